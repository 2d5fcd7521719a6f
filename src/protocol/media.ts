// Media signalling: the client messages that drive the SFU and the shapes they carry. The
// mediasoup parameter objects (RTP capabilities and parameters, DTLS parameters) are checked
// here for shape and size only; the SFU checks their meaning and a refusal comes back as
// MEDIA_BAD_PARAMETERS. No node:* imports (the browser bundles the types).
import { z } from 'zod';

const RequestId = z.string().min(1).max(64);
/** mediasoup ids are UUIDs; anything else cannot name one of ours. */
const MediaId = z.string().min(1).max(64);

export const MEDIA_SOURCES = ['mic', 'camera', 'screen'] as const;
export type MediaSource = (typeof MEDIA_SOURCES)[number];
export const KIND_OF_SOURCE: Record<MediaSource, 'audio' | 'video'> = { mic: 'audio', camera: 'video', screen: 'video' };

const Codec = z.looseObject({
  mimeType: z.string().min(3).max(64),
  clockRate: z.number().int().positive().max(1_000_000),
  channels: z.number().int().min(1).max(8).optional(),
  payloadType: z.number().int().min(0).max(127).optional(),
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  parameters: z.record(z.string().max(64), z.union([z.string().max(256), z.number()])).optional(),
  rtcpFeedback: z.array(z.looseObject({ type: z.string().max(32), parameter: z.string().max(32).optional() })).max(16).optional(),
});
const HeaderExtension = z.looseObject({ uri: z.string().max(256), id: z.number().int().min(1).max(255).optional() });

export const RtpCapabilities = z.looseObject({
  codecs: z.array(Codec).max(64).optional(),
  headerExtensions: z.array(HeaderExtension).max(64).optional(),
});

export const RtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(Codec).min(1).max(16),
  headerExtensions: z.array(HeaderExtension).max(32).optional(),
  /** Up to 4 encodings: simulcast is at most 3 layers, plus slack for RTX-less variants. */
  encodings: z.array(z.looseObject({})).max(4).optional(),
  rtcp: z.looseObject({ cname: z.string().max(256).optional() }).optional(),
});

export const DtlsParameters = z.strictObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.strictObject({ algorithm: z.string().min(1).max(16), value: z.string().min(1).max(256) })).min(1).max(8),
});

export const MediaMessages = [
  /** Anyone in the room: the router's codecs and the ICE servers to use. */
  z.strictObject({ type: z.literal('media.capabilities'), id: RequestId }),
  /** After loading the device: what this browser can receive. Answers with the producers to consume. */
  z.strictObject({ type: z.literal('media.ready'), id: RequestId, rtpCapabilities: RtpCapabilities }),
  /** One send and one receive transport per participant; a new one replaces the old. */
  z.strictObject({ type: z.literal('media.transport'), id: RequestId, direction: z.enum(['send', 'recv']) }),
  z.strictObject({ type: z.literal('media.connect'), id: RequestId, transportId: MediaId, dtlsParameters: DtlsParameters }),
  z.strictObject({ type: z.literal('media.restartIce'), id: RequestId, transportId: MediaId }),
  /** Publish one source; needs its capability (mic: audio, camera: video, screen: screen). */
  z.strictObject({
    type: z.literal('media.produce'), id: RequestId, transportId: MediaId,
    source: z.enum(MEDIA_SOURCES), kind: z.enum(['audio', 'video']), rtpParameters: RtpParameters,
    paused: z.boolean().optional(),
    /** Height of the captured video in pixels: lets the server map a viewer's size to a simulcast layer. */
    height: z.number().int().min(1).max(4320).optional(),
  }),
  /** Mute or unmute one's own producer. Unmuting needs the capability. */
  z.strictObject({ type: z.literal('media.pause'), id: RequestId, producerId: MediaId, paused: z.boolean() }),
  /** Stop publishing one's own producer. */
  z.strictObject({ type: z.literal('media.close'), id: RequestId, producerId: MediaId }),
  /** Receive a producer; the consumer starts paused until media.resume. */
  z.strictObject({ type: z.literal('media.consume'), id: RequestId, producerId: MediaId }),
  z.strictObject({ type: z.literal('media.resume'), id: RequestId, consumerId: MediaId }),
  /** The size a video is shown at, in device pixels of height; 0 pauses it (not on screen). */
  z.strictObject({ type: z.literal('media.size'), id: RequestId, consumerId: MediaId, height: z.number().int().min(0).max(4320) }),
  /** Staff: pause someone's source, or every student's microphone without userId. */
  z.strictObject({ type: z.literal('media.mute'), id: RequestId, source: z.enum(MEDIA_SOURCES), userId: z.number().int().positive().optional() }),
] as const;

/** Who paused a producer: its owner, or the server on a teacher's behalf (or a lost capability). */
export type PausedBy = 'self' | 'staff' | null;

export interface MediaProducerInfo {
  producerId: string;
  userId: number;
  source: MediaSource;
  kind: 'audio' | 'video';
  paused: boolean;
  pausedBy: PausedBy;
}

export interface TransportInfo {
  transportId: string;
  iceParameters: unknown;
  iceCandidates: unknown[];
  dtlsParameters: unknown;
}

export interface ConsumerInfo {
  consumerId: string;
  producerId: string;
  userId: number;
  source: MediaSource;
  kind: 'audio' | 'video';
  rtpParameters: unknown;
  producerPaused: boolean;
}

export interface MediaIceServer { urls: string | string[]; username?: string; credential?: string }

export interface MediaResultMap {
  'media.capabilities': { routerRtpCapabilities: unknown; iceServers: MediaIceServer[]; epoch: string };
  'media.ready': { producers: MediaProducerInfo[] };
  'media.transport': TransportInfo;
  'media.connect': Record<string, never>;
  'media.restartIce': { iceParameters: unknown };
  'media.produce': { producerId: string };
  'media.pause': Record<string, never>;
  'media.close': Record<string, never>;
  'media.consume': ConsumerInfo;
  'media.resume': Record<string, never>;
  'media.size': { spatialLayer: number | null };
  'media.mute': { paused: number };
}

export type MediaServerMessage =
  /** Someone started publishing (also sent for one's own producers, so every tab agrees). */
  | { type: 'media.producer'; roomId: string; producer: MediaProducerInfo }
  | { type: 'media.producerClosed'; roomId: string; producerId: string; userId: number }
  /** Muted or unmuted: by its owner, or by the server (a teacher's mute, a revoked capability). */
  | { type: 'media.producerState'; roomId: string; producerId: string; userId: number; paused: boolean; pausedBy: PausedBy }
  /** A consumer ended on the server (its producer closed); the client drops its track. */
  | { type: 'media.consumerClosed'; roomId: string; consumerId: string }
  /** The dominant speaker, or null after silence. */
  | { type: 'media.speaker'; roomId: string; userId: number | null }
  /** The server lost this room's media (an SFU worker died): set up transports again. */
  | { type: 'media.reset'; roomId: string; reason: string };
