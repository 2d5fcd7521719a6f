// Polls and quizzes. The server state holds who chose what (to enforce one vote each and to
// grade quizzes); staff see live counts, and names only for polls that are not anonymous.
import type { ClientMessageOf, ResultMap } from '../protocol/messages.js';
import type { ClassState, Poll } from '../protocol/classState.js';
import { UserError } from '../errors.js';
import { staffAnd } from '../rooms/RoomLog.js';
import type { HandlerCtx } from '../rooms/types.js';
import { act } from './act.js';

function findPoll(state: ClassState, pollId: number): Poll {
  const poll = state.polls.find((p) => p.id === pollId);
  if (!poll) throw new UserError('POLL_NOT_FOUND', `There is no poll ${pollId} in this room.`);
  return poll;
}

function checkChoices(choices: number[], options: number, multiple: boolean, what: string): number[] {
  const unique = [...new Set(choices)].sort((a, b) => a - b);
  if (unique.length !== choices.length) throw new UserError('BAD_CHOICE', `The same option appears twice in ${what}.`);
  if (unique.some((c) => c >= options)) throw new UserError('BAD_CHOICE', `${what} names an option that does not exist.`);
  if (!multiple && unique.length > 1) throw new UserError('BAD_CHOICE', `This is a single-choice poll: ${what} may name one option.`);
  return unique;
}

const withPoll = (s: ClassState, id: number, f: (p: Poll) => Poll): ClassState => ({ ...s, polls: s.polls.map((p) => (p.id === id ? f(p) : p)) });

function tally(poll: Poll, byUser: Record<string, number[]>): { counts: number[]; voters: number } {
  const counts = poll.options.map(() => 0);
  for (const choices of Object.values(byUser)) for (const c of choices) counts[c]! += 1;
  return { counts, voters: Object.keys(byUser).length };
}

export const pollHandlers = {
  'poll.create'(ctx: HandlerCtx, msg: ClientMessageOf<'poll.create'>): ResultMap['poll.create'] {
    const { room, member } = act(ctx, 'poll.create');
    const multiple = msg.multiple ?? false;
    const correct = msg.correct && checkChoices(msg.correct, msg.options.length, multiple, 'the correct answers');
    const id = room.classState.nextPollId;
    const poll = {
      id, question: msg.question, options: msg.options, multiple, anonymous: msg.anonymous ?? false,
      quiz: correct !== undefined, status: 'open' as const, createdAt: Date.now(),
    };
    const a = room.appendClass('poll.created', member.userId, poll, null, {
      patch: (s) => withPoll(s, id, (p) => ({ ...p, ...(correct ? { correct } : {}), counts: poll.options.map(() => 0), voters: 0, byUser: {} })),
    });
    if (correct) {
      const k = room.appendClass('poll.key', member.userId, { pollId: id, correct }, staffAnd());
      return { pollId: id, seq: k.event.seq };
    }
    return { pollId: id, seq: a.event.seq };
  },

  'poll.vote'(ctx: HandlerCtx, msg: ClientMessageOf<'poll.vote'>): ResultMap['poll.vote'] {
    const { room, member } = act(ctx, 'poll.vote');
    const poll = findPoll(room.classState, msg.pollId);
    if (poll.status !== 'open') throw new UserError('POLL_CLOSED', 'This poll is closed.');
    const choices = checkChoices(msg.choices, poll.options.length, poll.multiple, 'your vote');
    const me = String(member.userId);
    const before = poll.byUser?.[me];
    if (before && before.join() === choices.join()) throw new UserError('ALREADY_VOTED', 'You already voted for exactly this; choose differently to change your vote.');
    const byUser = { ...poll.byUser, [me]: choices };
    room.appendClass('poll.voted', member.userId, { pollId: poll.id, choices }, { users: [member.userId], staff: false }, {
      patch: (s) => withPoll(s, poll.id, ({ mine: _mine, ...p }) => ({ ...p, byUser })),
    });
    const t = tally(poll, byUser);
    const a = room.appendClass('poll.tally', null, { pollId: poll.id, ...t, ...(poll.anonymous ? {} : { byUser }) }, staffAnd());
    return { seq: a.event.seq };
  },

  'poll.close'(ctx: HandlerCtx, msg: ClientMessageOf<'poll.close'>): ResultMap['poll.close'] {
    const { room, member } = act(ctx, 'poll.close');
    const poll = findPoll(room.classState, msg.pollId);
    if (poll.status !== 'open') throw new UserError('POLL_CLOSED', 'This poll is already closed.');
    return { seq: room.appendClass('poll.closed', member.userId, { pollId: poll.id }).event.seq };
  },

  'poll.publish'(ctx: HandlerCtx, msg: ClientMessageOf<'poll.publish'>): ResultMap['poll.publish'] {
    const { room, member } = act(ctx, 'poll.publish');
    const poll = findPoll(room.classState, msg.pollId);
    if (poll.status === 'published') throw new UserError('POLL_CLOSED', 'These results are already published.');
    const t = tally(poll, poll.byUser ?? {});
    const a = room.appendClass('poll.published', member.userId, { pollId: poll.id, ...t, ...(poll.correct ? { correct: poll.correct } : {}) });
    return { seq: a.event.seq };
  },
};
