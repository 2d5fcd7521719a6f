// The permission matrix: every action, every role, with and without per-user and per-class
// overrides. A new action without a row here fails the first test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RULES, allowed, type Action } from '../../src/class/permissions.js';
import { applyClassEvent, initialClassState, type ClassState, type Capability } from '../../src/protocol/classState.js';
import type { ParticipantRole } from '../../src/protocol/messages.js';

const ROLES: ParticipantRole[] = ['admin', 'teacher', 'assistant', 'student'];
const STUDENT = 7;

// Expected decisions in a new room (default student capabilities): [admin, teacher, assistant, student].
const EXPECT: { [A in Action]: [boolean, boolean, boolean, boolean] } = {
  'chat.send': [true, true, true, true],
  'chat.history': [true, true, true, true],
  'chat.delete': [true, true, true, false],
  'class.grant': [true, true, true, false],
  'class.request': [true, true, true, true],
  'class.answer': [true, true, true, false],
  'class.hand': [true, true, true, true],
  'class.lowerHand': [true, true, true, false],
  'class.remove': [true, true, true, false],
  'class.settings': [true, true, true, false],
  'class.admit': [true, true, true, false],
  'class.start': [true, true, true, false],
  'class.end': [true, true, true, false],
  'poll.create': [true, true, true, false],
  'poll.vote': [true, true, true, true],
  'poll.close': [true, true, true, false],
  'poll.publish': [true, true, true, false],
  'breakout.start': [true, true, true, false],
  'breakout.broadcast': [true, true, true, false],
  'breakout.end': [true, true, true, false],
  'class.follow': [true, true, true, false],
  'wb.op': [true, true, true, false],
  'wb.live': [true, true, true, false],
  'wb.pages': [true, true, true, false],
  'media.capabilities': [true, true, true, true],
  'media.ready': [true, true, true, true],
  'media.transport': [true, true, true, true],
  'media.connect': [true, true, true, true],
  'media.restartIce': [true, true, true, true],
  'media.produce': [true, true, true, true],
  'media.pause': [true, true, true, true],
  'media.close': [true, true, true, true],
  'media.consume': [true, true, true, true],
  'media.resume': [true, true, true, true],
  'media.size': [true, true, true, true],
  'media.mute': [true, true, true, false],
  'media.audio': [true, true, true, false],
  'media.video': [true, true, true, true],
  'media.screen': [true, true, true, false],
};

const grant = (s: ClassState, userId: number | null, capability: Capability, allow: boolean) =>
  applyClassEvent(s, { kind: 'class.granted', data: { userId, capability, allow } });

const decide = (s: ClassState, action: Action, role: ParticipantRole, userId = STUDENT) => allowed(action, { userId, role }, s);

describe('permission matrix', () => {
  it('has a row for every action', () => {
    assert.deepEqual(Object.keys(EXPECT).sort(), Object.keys(RULES).sort());
  });

  it('decides every action for every role in a new room', () => {
    const s = initialClassState();
    for (const [action, row] of Object.entries(EXPECT) as Array<[Action, boolean[]]>) {
      ROLES.forEach((role, i) => assert.equal(decide(s, action, role), row[i], `${action} as ${role}`));
    }
  });

  it('a per-student grant or revoke changes exactly that student and that capability', () => {
    for (const action of Object.keys(RULES) as Action[]) {
      const rule = RULES[action];
      if (rule === 'anyone') continue;
      const granted = grant(initialClassState(), STUDENT, rule, true);
      assert.equal(decide(granted, action, 'student'), true, `${action} granted`);
      assert.equal(decide(granted, action, 'student', STUDENT + 1), EXPECT[action][3], `${action} for another student`);
      const revoked = grant(initialClassState(), STUDENT, rule, false);
      assert.equal(decide(revoked, action, 'student'), false, `${action} revoked`);
      // Teachers and admins keep every capability whatever the overrides say.
      const teacherRevoked = grant(initialClassState(), STUDENT, rule, false);
      assert.equal(decide(teacherRevoked, action, 'teacher'), true, `${action} for a teacher`);
      assert.equal(decide(teacherRevoked, action, 'admin'), true, `${action} for an admin`);
      // An assistant can be restricted like a student.
      assert.equal(decide(revoked, action, 'assistant'), false, `${action} revoked for an assistant`);
    }
  });

  it('a class-wide change applies to all students, and a per-student override beats it', () => {
    for (const action of Object.keys(RULES) as Action[]) {
      const rule = RULES[action];
      if (rule === 'anyone') continue;
      const allOn = grant(initialClassState(), null, rule, true);
      assert.equal(decide(allOn, action, 'student'), true, `${action} for all`);
      assert.equal(decide(allOn, action, 'student', 99), true, `${action} for all (another)`);
      const allOff = grant(initialClassState(), null, rule, false);
      assert.equal(decide(allOff, action, 'student'), false, `${action} off for all`);
      assert.equal(decide(allOff, action, 'assistant'), true, `${action} off for students only`);
      const except = grant(allOff, STUDENT, rule, true);
      assert.equal(decide(except, action, 'student'), true, `${action} back for one`);
      assert.equal(decide(except, action, 'student', 99), false, `${action} still off for others`);
    }
  });

  it('actions anyone may take stay allowed under any override', () => {
    let s = initialClassState();
    for (const c of ['chat', 'draw', 'audio', 'video', 'screen', 'control'] as Capability[]) s = grant(grant(s, null, c, false), STUDENT, c, false);
    for (const action of Object.keys(RULES) as Action[]) {
      if (RULES[action] === 'anyone') assert.equal(decide(s, action, 'student'), true, action);
    }
  });
});
