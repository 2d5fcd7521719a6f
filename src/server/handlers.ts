// The handler table: one entry per client message type, or it does not compile.
import type { ClientMessageOf, ClientMessageType, ResultMap } from '../protocol/messages.js';
import type { HandlerCtx } from '../rooms/types.js';
import { roomHandlers } from '../rooms/roomHandlers.js';
import { chatHandlers } from '../chat/chatHandlers.js';
import { classHandlers } from '../class/classHandlers.js';
import { pollHandlers } from '../class/pollHandlers.js';
import { breakoutHandlers } from '../class/breakouts.js';
import { wbHandlers } from '../whiteboard/wbHandlers.js';
import { mediaHandlers } from '../media/mediaHandlers.js';

/** Most handlers answer synchronously; media ones wait for the SFU and return a promise. */
type Handler<T extends ClientMessageType> = (ctx: HandlerCtx, msg: ClientMessageOf<T>) => ResultMap[T] | Promise<ResultMap[T]>;

/** hello is handled by the connection itself (it changes the connection's state). */
export const handlers: { [T in Exclude<ClientMessageType, 'hello'>]: Handler<T> } & { hello: () => never } = {
  hello: () => { throw new Error('hello is handled by Connection'); },
  ping: () => ({ now: Date.now() }),
  ...roomHandlers,
  ...chatHandlers,
  ...classHandlers,
  ...pollHandlers,
  ...breakoutHandlers,
  ...wbHandlers,
  ...mediaHandlers,
};
