// Whiteboard requests. The server is the authority: it checks the permission, runs the model
// (which validates ids, bounds and limits), logs the op with the room's next seq, and only
// then broadcasts it. Ephemeral updates are checked and relayed, never stored.
import type { ClientMessageOf, ResultMap } from '../protocol/messages.js';
import type { WbOp } from '../protocol/whiteboard.js';
import { UserError } from '../errors.js';
import type { HandlerCtx } from '../rooms/types.js';
import { act } from '../class/act.js';
import { authorize } from '../class/permissions.js';
import { applyOp, findPage, WbError } from './model.js';

/** Page management and clearing belong to the teacher; adding a page is drawing. */
const PAGE_ADMIN: ReadonlySet<WbOp['type']> = new Set(['page.delete', 'page.move', 'page.rename', 'page.background', 'page.clear']);

/** The asset an op refers to, and whether it must be an image (PDF slides are not in yet). */
function assetOf(op: WbOp): string | null {
  if (op.type === 'obj.add' && op.object.kind === 'image') return op.object.assetId;
  if (op.type === 'page.background' && op.background !== null) return op.background.assetId;
  return null;
}

function modelError(e: unknown): never {
  if (e instanceof WbError) throw new UserError(e.code, e.message);
  throw e;
}

export const wbHandlers = {
  'wb.op'(ctx: HandlerCtx, msg: ClientMessageOf<'wb.op'>): ResultMap['wb.op'] {
    const { room, member } = act(ctx, 'wb.op');
    const op = msg.op;
    if (PAGE_ADMIN.has(op.type)) authorize('wb.pages', member, room.classState);
    const assetId = assetOf(op);
    if (assetId !== null) {
      // Only files uploaded to this room, and checked by content, may appear on its board.
      if (!ctx.services.assets.get(room.id, assetId)) throw new UserError('WB_UNKNOWN_ASSET', 'That image was not uploaded to this room.');
      if (op.type === 'page.background' && op.background?.kind === 'pdf') {
        throw new UserError('WB_UNKNOWN_ASSET', 'PDF slide backgrounds are not available yet; use an image.');
      }
    }
    const board = room.board;
    let next;
    try {
      next = applyOp(board.state, op, member.userId).state;
    } catch (e) {
      modelError(e);
    }
    const a = ctx.services.log.append(room.id, 'wb.op', member.userId, { actor: member.userId, op });
    board.commit(next, a.event.seq);
    room.publish(a);
    return { seq: a.event.seq };
  },

  'class.follow'(ctx: HandlerCtx, msg: ClientMessageOf<'class.follow'>): ResultMap['class.follow'] {
    const { room, member } = act(ctx, 'class.follow');
    const pageId = msg.pageId ?? null;
    if (pageId !== null && !findPage(room.board.state, pageId)) throw new UserError('WB_UNKNOWN_PAGE', 'There is no such page on this board.');
    if (pageId === null && !room.classState.follow) throw new UserError('NOT_FOUND', 'Students are not following a page.');
    return { seq: room.appendClass('class.follow', member.userId, { pageId, by: member.userId }).event.seq };
  },

  'wb.live'(ctx: HandlerCtx, msg: ClientMessageOf<'wb.live'>): ResultMap['wb.live'] {
    const { room, member } = act(ctx, 'wb.live');
    if (!findPage(room.board.state, msg.update.pageId)) throw new UserError('WB_UNKNOWN_PAGE', 'There is no such page on this board.');
    room.relay(member.userId, msg.update);
    return {};
  },
};
