// The protocol codec: every message type decodes, malformed frames get the right code, and
// docs/protocol.md has a decodable example of every request.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientMessage, decodeClientMessage, type ClientMessageType, type MediaServerMessage } from '../../src/protocol/index.js';
import { ROOT } from '../helpers/server.js';

// Realistic mediasoup-client parameters: what a browser sends in media.connect and media.produce.
const FINGERPRINT = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
const DTLS = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: FINGERPRINT }] };
const TRANSPORT_ID = '5f0c3a52-7d1e-4b8f-9c2a-1e6d4b3a9f10';
const PRODUCER_ID = 'b6c3e8d2-4f1a-4c7e-9a55-0d2f8e7a1c90';
const CONSUMER_ID = '0e7d9b61-2c4a-4f3e-8d17-5a9c6b2e4f83';
const OPUS = {
  mid: '0',
  codecs: [{
    mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2,
    parameters: { minptime: 10, useinbandfec: 1 }, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }],
  }],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }, { uri: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level', id: 10 }],
  encodings: [{ ssrc: 1111, dtx: false }],
  rtcp: { cname: 'k3F9pQ2x', reducedSize: true },
};
const VP8_SIMULCAST = {
  mid: '1',
  codecs: [
    {
      mimeType: 'video/VP8', payloadType: 96, clockRate: 90000,
      rtcpFeedback: [{ type: 'goog-remb', parameter: '' }, { type: 'transport-cc', parameter: '' }, { type: 'ccm', parameter: 'fir' }, { type: 'nack', parameter: '' }, { type: 'nack', parameter: 'pli' }],
    },
    { mimeType: 'video/rtx', payloadType: 97, clockRate: 90000, parameters: { apt: 96 } },
  ],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 4 }, { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 5 }],
  encodings: [
    { rid: 'r0', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
    { rid: 'r1', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
    { rid: 'r2', active: true, scalabilityMode: 'L1T3', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
  ],
  rtcp: { cname: 'k3F9pQ2x', reducedSize: true },
};
const produce = (over: Record<string, unknown>) => JSON.stringify({
  type: 'media.produce', id: 'a', transportId: TRANSPORT_ID, source: 'mic', kind: 'audio', rtpParameters: OPUS, ...over,
});

const examples: { [T in ClientMessageType]: Array<Record<string, unknown>> } = {
  hello: [{ type: 'hello', id: '1', protocol: 1 }, { type: 'hello', id: '1', protocol: 1, client: 'test' }],
  ping: [{ type: 'ping', id: 'p' }],
  'room.join': [{ type: 'room.join', id: 'j', roomId: 'abcd1234' }, { type: 'room.join', id: 'j', roomId: 'abcd1234', since: 0 }],
  'room.leave': [{ type: 'room.leave', id: 'l' }],
  'chat.send': [{ type: 'chat.send', id: 's', text: 'hi' }, { type: 'chat.send', id: 's', text: 'x'.repeat(4000), to: 5 }],
  'chat.delete': [{ type: 'chat.delete', id: 'd', messageId: 9 }],
  'chat.history': [{ type: 'chat.history', id: 'h' }, { type: 'chat.history', id: 'h', before: 10, limit: 100 }],
  'class.grant': [{ type: 'class.grant', id: 'g', capability: 'chat', allow: false }, { type: 'class.grant', id: 'g', capability: 'draw', allow: true, userId: 4 }],
  'class.request': [{ type: 'class.request', id: 'q', capability: 'audio' }],
  'class.answer': [{ type: 'class.answer', id: 'a', userId: 4, capability: 'screen', approve: true }],
  'class.hand': [{ type: 'class.hand', id: 'h', raised: true }],
  'class.lowerHand': [{ type: 'class.lowerHand', id: 'l' }, { type: 'class.lowerHand', id: 'l', userId: 4 }],
  'class.remove': [{ type: 'class.remove', id: 'r', userId: 4 }, { type: 'class.remove', id: 'r', userId: 4, bar: true }],
  'class.settings': [{ type: 'class.settings', id: 's', locked: true }, { type: 'class.settings', id: 's', waitingRoom: true, handsVisible: false }],
  'class.admit': [{ type: 'class.admit', id: 'a', admit: true }, { type: 'class.admit', id: 'a', admit: false, userId: 4 }],
  'class.start': [{ type: 'class.start', id: 's' }],
  'class.end': [{ type: 'class.end', id: 'e' }],
  'poll.create': [
    { type: 'poll.create', id: 'p', question: 'Tea or coffee?', options: ['Tea', 'Coffee'] },
    { type: 'poll.create', id: 'p', question: '2+2?', options: ['3', '4', '5'], multiple: false, anonymous: true, correct: [1] },
  ],
  'poll.vote': [{ type: 'poll.vote', id: 'v', pollId: 1, choices: [0] }],
  'poll.close': [{ type: 'poll.close', id: 'c', pollId: 1 }],
  'poll.publish': [{ type: 'poll.publish', id: 'p', pollId: 1 }],
  'breakout.start': [
    { type: 'breakout.start', id: 'b', groups: 3 },
    { type: 'breakout.start', id: 'b', groups: 2, assign: [{ userId: 4, group: 0 }], durationMinutes: 10 },
  ],
  'breakout.broadcast': [{ type: 'breakout.broadcast', id: 'b', text: 'Five minutes left' }],
  'breakout.end': [{ type: 'breakout.end', id: 'e' }],
  'class.follow': [{ type: 'class.follow', id: 'f', pageId: 'p2' }, { type: 'class.follow', id: 'f' }],
  'wb.op': [
    { type: 'wb.op', id: 'w', op: { type: 'obj.add', pageId: 'p1', object: { id: 's1', kind: 'pen', x: 0, y: 0, points: [0, 0, 10, 12], color: '#1f2937', width: 4, opacity: 1 } } },
    { type: 'wb.op', id: 'w', op: { type: 'page.add', pageId: 'p2', title: 'Page 2' } },
    { type: 'wb.op', id: 'w', op: { type: 'undo' } },
  ],
  'wb.live': [
    { type: 'wb.live', id: 'l', update: { type: 'stroke.progress', pageId: 'p1', strokeId: 's2', kind: 'pen', color: '#1f2937', width: 4, points: [1, 2, 3, 4] } },
    { type: 'wb.live', id: 'l', update: { type: 'cursor', pageId: 'p1', x: 10, y: 20 } },
  ],
  'media.capabilities': [{ type: 'media.capabilities', id: 'm' }],
  'media.ready': [{
    type: 'media.ready', id: 'm', rtpCapabilities: {
      codecs: [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, preferredPayloadType: 100, parameters: {}, rtcpFeedback: [{ type: 'transport-cc', parameter: '' }] },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 101, parameters: {}, rtcpFeedback: [{ type: 'nack', parameter: 'pli' }] },
      ],
      headerExtensions: [{ kind: 'audio', uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', preferredId: 1, preferredEncrypt: false, direction: 'sendrecv' }],
    },
  }],
  'media.transport': [{ type: 'media.transport', id: 'm', direction: 'send' }, { type: 'media.transport', id: 'm', direction: 'recv' }],
  'media.connect': [{ type: 'media.connect', id: 'm', transportId: TRANSPORT_ID, dtlsParameters: DTLS }],
  'media.restartIce': [{ type: 'media.restartIce', id: 'm', transportId: TRANSPORT_ID }],
  'media.produce': [
    { type: 'media.produce', id: 'm', transportId: TRANSPORT_ID, source: 'mic', kind: 'audio', rtpParameters: OPUS },
    { type: 'media.produce', id: 'm', transportId: TRANSPORT_ID, source: 'camera', kind: 'video', rtpParameters: VP8_SIMULCAST, height: 720 },
    { type: 'media.produce', id: 'm', transportId: TRANSPORT_ID, source: 'screen', kind: 'video', rtpParameters: VP8_SIMULCAST, paused: true, height: 4320 },
  ],
  'media.pause': [{ type: 'media.pause', id: 'm', producerId: PRODUCER_ID, paused: true }, { type: 'media.pause', id: 'm', producerId: PRODUCER_ID, paused: false }],
  'media.close': [{ type: 'media.close', id: 'm', producerId: PRODUCER_ID }],
  'media.consume': [{ type: 'media.consume', id: 'm', producerId: PRODUCER_ID }],
  'media.resume': [{ type: 'media.resume', id: 'm', consumerId: CONSUMER_ID }],
  'media.size': [{ type: 'media.size', id: 'm', consumerId: CONSUMER_ID, height: 180 }, { type: 'media.size', id: 'm', consumerId: CONSUMER_ID, height: 0 }],
  'media.mute': [{ type: 'media.mute', id: 'm', source: 'mic' }, { type: 'media.mute', id: 'm', source: 'camera', userId: 4 }],
};

/** One example of each media server frame, checked against the type: the docs must show each, field for field. */
const mediaFrames: { [T in MediaServerMessage['type']]: Extract<MediaServerMessage, { type: T }> } = {
  'media.producer': {
    type: 'media.producer', roomId: 'k3j9x2m4pq',
    producer: { producerId: PRODUCER_ID, userId: 3, source: 'mic', kind: 'audio', paused: false, pausedBy: null },
  },
  'media.producerClosed': { type: 'media.producerClosed', roomId: 'k3j9x2m4pq', producerId: PRODUCER_ID, userId: 3 },
  'media.producerState': { type: 'media.producerState', roomId: 'k3j9x2m4pq', producerId: PRODUCER_ID, userId: 3, paused: true, pausedBy: 'staff' },
  'media.consumerClosed': { type: 'media.consumerClosed', roomId: 'k3j9x2m4pq', consumerId: CONSUMER_ID },
  'media.speaker': { type: 'media.speaker', roomId: 'k3j9x2m4pq', userId: 3 },
  'media.reset': { type: 'media.reset', roomId: 'k3j9x2m4pq', reason: 'The media server restarted; reconnecting audio and video.' },
};

/** An object's key paths, sorted: two frames have the same shape when these are equal. */
function keyPaths(v: unknown, prefix = ''): string[] {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return [prefix];
  return Object.entries(v).flatMap(([k, x]) => keyPaths(x, prefix ? `${prefix}.${k}` : k)).sort();
}

const allTypes: string[] = ClientMessage.options.map((o) => o.shape.type.value).sort();

describe('protocol codec', () => {
  it('has an example for every client message type, and each round-trips', () => {
    assert.deepEqual(Object.keys(examples).sort(), allTypes);
    for (const list of Object.values(examples)) {
      for (const ex of list) {
        const d = decodeClientMessage(JSON.stringify(ex));
        assert.ok(d.ok, `${JSON.stringify(ex)}: ${d.ok ? '' : d.message}`);
        assert.deepEqual(d.message, ex);
      }
    }
  });

  it('rejects malformed frames with stable codes and echoes usable ids', () => {
    const cases: Array<[string, string, string | null]> = [
      ['', 'BAD_JSON', null],
      ['{', 'BAD_JSON', null],
      ['null', 'BAD_MESSAGE', null],
      ['42', 'BAD_MESSAGE', null],
      ['[]', 'BAD_MESSAGE', null],
      ['{"id":"a"}', 'UNKNOWN_TYPE', 'a'],
      ['{"type":"__proto__","id":"a"}', 'UNKNOWN_TYPE', 'a'],
      ['{"type":"toString","id":"a"}', 'UNKNOWN_TYPE', 'a'],
      ['{"type":"ping"}', 'BAD_MESSAGE', null],
      ['{"type":"ping","id":""}', 'BAD_MESSAGE', null],
      ['{"type":"ping","id":5}', 'BAD_MESSAGE', null],
      ['{"type":"ping","id":"a","x":1}', 'BAD_MESSAGE', 'a'],
      ['{"type":"chat.send","id":"a","text":""}', 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'chat.send', id: 'a', text: 'x'.repeat(4001) }), 'TOO_LONG', 'a'],
      ['{"type":"chat.send","id":"a","text":"hi","to":-3}', 'BAD_MESSAGE', 'a'],
      ['{"type":"chat.send","id":"a","text":"hi","to":1.5}', 'BAD_MESSAGE', 'a'],
      ['{"type":"room.join","id":"a","roomId":"UPPER"}', 'BAD_MESSAGE', 'a'],
      ['{"type":"room.join","id":"a","roomId":"abcd","since":-1}', 'BAD_MESSAGE', 'a'],
      ['{"type":"chat.history","id":"a","limit":0}', 'BAD_MESSAGE', 'a'],
      ['{"type":"hello","id":"a","protocol":"1"}', 'BAD_MESSAGE', 'a'],
      ['{"type":"class.grant","id":"a","capability":"fly","allow":true}', 'BAD_MESSAGE', 'a'],
      ['{"type":"class.request","id":"a","capability":"control"}', 'BAD_MESSAGE', 'a'],
      ['{"type":"poll.create","id":"a","question":"q","options":["only one"]}', 'BAD_MESSAGE', 'a'],
      ['{"type":"poll.create","id":"a","question":"  ","options":["a","b"]}', 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'poll.create', id: 'a', question: 'q', options: Array.from({ length: 11 }, (_, i) => `o${i}`) }), 'BAD_MESSAGE', 'a'],
      ['{"type":"poll.vote","id":"a","pollId":1,"choices":[]}', 'BAD_MESSAGE', 'a'],
      ['{"type":"breakout.start","id":"a","groups":0}', 'BAD_MESSAGE', 'a'],
      ['{"type":"wb.op","id":"a","op":{"type":"obj.add","pageId":"p1","object":{"id":"x","kind":"blob"}}}', 'BAD_MESSAGE', 'a'],
      ['{"type":"wb.op","id":"a","op":{"type":"page.add","pageId":"p2","title":"t","extra":1}}', 'BAD_MESSAGE', 'a'],
      ['{"type":"wb.live","id":"a","update":{"type":"cursor","pageId":"p1","x":1e300,"y":0}}', 'BAD_MESSAGE', 'a'],
      ['{"type":"breakout.start","id":"a","groups":2,"durationMinutes":0}', 'BAD_MESSAGE', 'a'],
      // media: shape and size are checked here; the SFU judges the meaning.
      ['{"type":"media.transport","id":"a","direction":"both"}', 'BAD_MESSAGE', 'a'],
      ['{"type":"media.transport","id":"a"}', 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.connect', id: 'a', transportId: TRANSPORT_ID, dtlsParameters: { role: 'client' } }), 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.connect', id: 'a', transportId: TRANSPORT_ID, dtlsParameters: { role: 'client', fingerprints: [] } }), 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.connect', id: 'a', transportId: TRANSPORT_ID, dtlsParameters: { ...DTLS, role: 'passive' } }), 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.connect', id: 'a', transportId: TRANSPORT_ID, dtlsParameters: { ...DTLS, extra: 1 } }), 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.connect', id: 'a', transportId: 'x'.repeat(65), dtlsParameters: DTLS }), 'TOO_LONG', 'a'],
      [JSON.stringify({ type: 'media.restartIce', id: 'a', transportId: '' }), 'BAD_MESSAGE', 'a'],
      [produce({ rtpParameters: { ...VP8_SIMULCAST, encodings: [...VP8_SIMULCAST.encodings, { rid: 'r3' }, { rid: 'r4' }] }, source: 'camera', kind: 'video' }), 'BAD_MESSAGE', 'a'],
      [produce({ rtpParameters: { ...OPUS, codecs: [] } }), 'BAD_MESSAGE', 'a'],
      [produce({ rtpParameters: { ...OPUS, codecs: [{ mimeType: 'audio/opus', clockRate: 48000, channels: 9 }] } }), 'BAD_MESSAGE', 'a'],
      [produce({ source: 'webcam' }), 'BAD_MESSAGE', 'a'],
      [produce({ kind: 'data' }), 'BAD_MESSAGE', 'a'],
      [produce({ source: 'camera', kind: 'video', rtpParameters: VP8_SIMULCAST, height: 4321 }), 'BAD_MESSAGE', 'a'],
      [produce({ source: 'camera', kind: 'video', rtpParameters: VP8_SIMULCAST, height: 0 }), 'BAD_MESSAGE', 'a'],
      [produce({ transportId: 'x'.repeat(65) }), 'TOO_LONG', 'a'],
      [produce({ id: 'x'.repeat(65) }), 'TOO_LONG', null],
      [JSON.stringify({ type: 'media.pause', id: 'a', producerId: PRODUCER_ID }), 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.consume', id: 'a', producerId: 'x'.repeat(65) }), 'TOO_LONG', 'a'],
      [JSON.stringify({ type: 'media.size', id: 'a', consumerId: CONSUMER_ID, height: 4321 }), 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.size', id: 'a', consumerId: CONSUMER_ID, height: -1 }), 'BAD_MESSAGE', 'a'],
      [JSON.stringify({ type: 'media.size', id: 'a', consumerId: CONSUMER_ID, height: 360.5 }), 'BAD_MESSAGE', 'a'],
      ['{"type":"media.mute","id":"a","source":"speaker"}', 'BAD_MESSAGE', 'a'],
      ['{"type":"media.mute","id":"a","source":"mic","userId":0}', 'BAD_MESSAGE', 'a'],
    ];
    for (const [frame, code, re] of cases) {
      const d = decodeClientMessage(frame);
      assert.equal(d.ok, false, frame);
      if (!d.ok) {
        assert.equal(d.code, code, frame);
        assert.equal(d.re, re, frame);
        assert.ok(d.message.length > 5);
      }
    }
  });

  it('docs/protocol.md shows a decodable example of every request and names every server frame', () => {
    const doc = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as { type: string });
    const documented = new Set<string>();
    for (const b of blocks) {
      if (!allTypes.includes(b.type)) continue;
      const d = decodeClientMessage(JSON.stringify(b));
      assert.ok(d.ok, `docs example ${JSON.stringify(b)} does not decode: ${d.ok ? '' : d.message}`);
      documented.add(b.type);
    }
    assert.deepEqual([...documented].sort(), allTypes);
    const serverTypes = new Set(blocks.map((b) => b.type));
    for (const t of ['ok', 'error', 'room.event', 'room.replay', 'presence', 'bye']) assert.ok(serverTypes.has(t), `no example of ${t}`);
    for (const [t, frame] of Object.entries(mediaFrames)) {
      const shown = blocks.filter((b) => b.type === t);
      assert.ok(shown.length > 0, `no example of ${t}`);
      for (const b of shown) assert.deepEqual(keyPaths(b), keyPaths(frame), `docs example of ${t} has other fields than the type`);
    }
  });
});
