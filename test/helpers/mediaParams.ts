// What a browser sends to set up media, made by hand: a DTLS fingerprint and RTP parameters for
// Opus, a VP8 camera with three simulcast layers and a single-layer VP8 screen, each with fresh
// SSRCs. Shared by the media integration tests and the media benchmark (no browser in either).

export const DTLS = {
  role: 'client',
  fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => ((i * 7) % 256).toString(16).padStart(2, '0').toUpperCase()).join(':') }],
};

let ssrc = 1000;

export const opus = () => ({
  mid: '0',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 }, rtcpFeedback: [] }],
  headerExtensions: [],
  encodings: [{ ssrc: ssrc++ }],
  rtcp: { cname: 'test' },
});

/** VP8 with three simulcast layers (quarter, half, full), as mediasoup-client sends a camera. */
export const vp8Simulcast = () => ({
  mid: '1',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }] }],
  headerExtensions: [],
  encodings: [{ ssrc: ssrc++, scaleResolutionDownBy: 4 }, { ssrc: ssrc++, scaleResolutionDownBy: 2 }, { ssrc: ssrc++, scaleResolutionDownBy: 1 }],
  rtcp: { cname: 'test' },
});

/** One VP8 layer (a screen share). */
export const vp8 = () => ({ ...vp8Simulcast(), mid: '2', encodings: [{ ssrc: ssrc++ }] });

/** The parameters for one source. */
export const rtpFor = (source: 'mic' | 'camera' | 'screen') => (source === 'mic' ? opus() : source === 'camera' ? vp8Simulcast() : vp8());
