// The protocol codec: every message type decodes, malformed frames get the right code, and
// docs/protocol.md has a decodable example of every request.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientMessage, decodeClientMessage, type ClientMessageType } from '../../src/protocol/index.js';
import { ROOT } from '../helpers/server.js';

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
};

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
  });
});
