// Media signalling handlers. The sequence is mediasoup's usual one (capabilities → ready →
// transports → connect → produce/consume → resume); every step checks the participant's place
// in the room and, for publishing, the capability of the source, here on the server.
import type { types as ms } from 'mediasoup';
import type { ClientMessageOf, ParticipantRole, ResultMap } from '../protocol/messages.js';
import type { MediaSource } from '../protocol/media.js';
import { isStaff } from '../protocol/classState.js';
import { UserError } from '../errors.js';
import type { HandlerCtx } from '../rooms/types.js';
import { staffAnd } from '../rooms/RoomLog.js';
import { act, type Place } from '../class/act.js';
import { allowed, authorize, type Action } from '../class/permissions.js';
import { iceServersFor } from './turn.js';
import type { MediaRoom } from './MediaRoom.js';

const SOURCE_ACTION: Record<MediaSource, Action> = { mic: 'media.audio', camera: 'media.video', screen: 'media.screen' };
const SOURCE_CAP = { mic: 'audio', camera: 'video', screen: 'screen' } as const;

async function media(ctx: HandlerCtx, action: Action): Promise<{ place: Place; room: MediaRoom }> {
  const place = act(ctx, action);
  const room = await ctx.services.media.room(place.room);
  // The participant may have left while the router was being set up.
  if (ctx.place?.room !== place.room) throw new UserError('NOT_IN_ROOM', 'Join a room first.');
  return { place, room };
}

export const mediaHandlers = {
  async 'media.capabilities'(ctx: HandlerCtx, _msg: ClientMessageOf<'media.capabilities'>): Promise<ResultMap['media.capabilities']> {
    const { place, room } = await media(ctx, 'media.capabilities');
    const peer = await room.peer(place.member.userId);
    if (ctx.place?.room !== place.room) {
      room.removePeer(place.member.userId);
      throw new UserError('NOT_IN_ROOM', 'Join a room first.');
    }
    return {
      routerRtpCapabilities: room.routerRtpCapabilities,
      iceServers: iceServersFor(ctx.services.config.media, place.member.userId),
      epoch: peer.epoch,
    };
  },

  async 'media.ready'(ctx: HandlerCtx, msg: ClientMessageOf<'media.ready'>): Promise<ResultMap['media.ready']> {
    const { place, room } = await media(ctx, 'media.ready');
    return { producers: room.ready(place.member.userId, msg.rtpCapabilities as ms.RtpCapabilities) };
  },

  async 'media.transport'(ctx: HandlerCtx, msg: ClientMessageOf<'media.transport'>): Promise<ResultMap['media.transport']> {
    const { place, room } = await media(ctx, 'media.transport');
    return room.createTransport(place.member.userId, msg.direction);
  },

  async 'media.connect'(ctx: HandlerCtx, msg: ClientMessageOf<'media.connect'>): Promise<ResultMap['media.connect']> {
    const { place, room } = await media(ctx, 'media.connect');
    await room.connect(place.member.userId, msg.transportId, msg.dtlsParameters as ms.DtlsParameters);
    return {};
  },

  async 'media.restartIce'(ctx: HandlerCtx, msg: ClientMessageOf<'media.restartIce'>): Promise<ResultMap['media.restartIce']> {
    const { place, room } = await media(ctx, 'media.restartIce');
    return { iceParameters: await room.restartIce(place.member.userId, msg.transportId) };
  },

  async 'media.produce'(ctx: HandlerCtx, msg: ClientMessageOf<'media.produce'>): Promise<ResultMap['media.produce']> {
    const { place, room } = await media(ctx, 'media.produce');
    authorize(SOURCE_ACTION[msg.source], place.member, place.room.classState);
    const producerId = await room.produce(place.member.userId, {
      transportId: msg.transportId, source: msg.source, kind: msg.kind,
      rtpParameters: msg.rtpParameters as unknown as ms.RtpParameters, paused: msg.paused, height: msg.height,
    });
    // A revoke that landed while the SFU was creating the producer did not see it: check again.
    if (!allowed(SOURCE_ACTION[msg.source], place.member, place.room.classState)) {
      room.pauseWhere((userId, source) => userId === place.member.userId && source === msg.source);
    }
    return { producerId };
  },

  async 'media.pause'(ctx: HandlerCtx, msg: ClientMessageOf<'media.pause'>): Promise<ResultMap['media.pause']> {
    const { place, room } = await media(ctx, 'media.pause');
    // Muting is always allowed; unmuting needs the capability (a teacher may have taken it).
    if (!msg.paused) authorize(SOURCE_ACTION[room.sourceOf(place.member.userId, msg.producerId)], place.member, place.room.classState);
    await room.setPaused(place.member.userId, msg.producerId, msg.paused);
    return {};
  },

  async 'media.close'(ctx: HandlerCtx, msg: ClientMessageOf<'media.close'>): Promise<ResultMap['media.close']> {
    const { place, room } = await media(ctx, 'media.close');
    room.closeProducer(place.member.userId, msg.producerId);
    return {};
  },

  async 'media.consume'(ctx: HandlerCtx, msg: ClientMessageOf<'media.consume'>): Promise<ResultMap['media.consume']> {
    const { place, room } = await media(ctx, 'media.consume');
    return room.consume(place.member.userId, msg.producerId);
  },

  async 'media.resume'(ctx: HandlerCtx, msg: ClientMessageOf<'media.resume'>): Promise<ResultMap['media.resume']> {
    const { place, room } = await media(ctx, 'media.resume');
    await room.resumeConsumer(place.member.userId, msg.consumerId);
    return {};
  },

  async 'media.size'(ctx: HandlerCtx, msg: ClientMessageOf<'media.size'>): Promise<ResultMap['media.size']> {
    const { place, room } = await media(ctx, 'media.size');
    return { spatialLayer: await room.size(place.member.userId, msg.consumerId, msg.height) };
  },

  /**
   * A teacher's mute. "revoke" (the default) takes the capability away through the class log,
   * and the room's observer pauses the producer; "pause" only pauses it.
   */
  async 'media.mute'(ctx: HandlerCtx, msg: ClientMessageOf<'media.mute'>): Promise<ResultMap['media.mute']> {
    // Muting works on whatever is live, and a revoke needs no SFU at all: no media set-up here.
    const place = act(ctx, 'media.mute');
    const live = place.room;
    const actor = place.member;
    const roleOf = (userId: number): ParticipantRole | undefined => live.member(userId)?.role ?? ctx.services.rooms.roleOf(live.id, userId) ?? undefined;
    if (msg.userId !== undefined) {
      const role = roleOf(msg.userId);
      if (!role) throw new UserError('NOT_PARTICIPANT', 'That person is not a participant of this room.');
      if (role === 'teacher' || role === 'admin') throw new UserError('FORBIDDEN', 'A teacher cannot be muted by others.');
      if (role === 'assistant' && actor.role === 'assistant') throw new UserError('FORBIDDEN', 'Only a teacher can mute an assistant.');
    }
    const target = (userId: number, source: MediaSource) => {
      if (source !== msg.source) return false;
      if (msg.userId !== undefined) return userId === msg.userId;
      const role = live.member(userId)?.role;
      return role !== undefined && !isStaff(role);
    };
    const room = ctx.services.media.existing(live.id);
    if (!room && ctx.services.config.media.teacherMute === 'pause') return { paused: 0 };
    if (ctx.services.config.media.teacherMute === 'revoke') {
      // Pause first (counted), then revoke: the revoke's observer finds them already paused.
      const paused = room?.pauseWhere(target) ?? 0;
      const userId = msg.userId ?? null;
      live.appendClass('class.granted', actor.userId, { userId, capability: SOURCE_CAP[msg.source], allow: false },
        userId === null ? null : staffAnd(userId));
      return { paused };
    }
    return { paused: room?.pauseWhere(target) ?? 0 };
  },
};
