// The poll card a student sees above the chat: vote (radios, or checkboxes for several
// answers), change the vote while it is open, then the results and, for a quiz, the correct
// answers once the teacher publishes them.
import { useState } from 'preact/hooks';
import type { Poll } from '../../../protocol/classState.js';
import { isCorrect, studentPoll } from '../../classView.js';
import { cls } from '../../format.js';
import { useAction, useClass } from './context.js';
import { POLL_STATUS, PollBars, PollKind } from './PollBars.js';

export function StudentPollCard() {
  const { room } = useClass();
  const [dismissed, setDismissed] = useState<ReadonlySet<number>>(new Set());
  const poll = studentPoll(room.class, dismissed);
  if (!poll) return null;
  // Keyed by poll: a new poll starts with a fresh selection.
  return <PollCard key={poll.id} poll={poll} onDismiss={() => setDismissed((d) => new Set([...d, poll.id]))} />;
}

function PollCard({ poll, onDismiss }: { poll: Poll; onDismiss: () => void }) {
  const { session, connected } = useClass();
  const [choice, setChoice] = useState<number[]>(() => [...(poll.mine ?? [])]);
  const vote = useAction();
  const mine = poll.mine;
  const same = !!mine && mine.length === choice.length && mine.every((c) => choice.includes(c));
  const open = poll.status === 'open';
  const headingId = `poll-${poll.id}-q`;

  const toggle = (i: number) => {
    vote.clear();
    if (!poll.multiple) setChoice([i]);
    else setChoice((c) => (c.includes(i) ? c.filter((x) => x !== i) : [...c, i].sort((a, b) => a - b)));
  };

  const submit = (e: Event) => {
    e.preventDefault();
    if (!open || choice.length === 0 || same) return;
    void vote.run(() => session.request('poll.vote', { pollId: poll.id, choices: choice }));
  };

  const right = poll.status === 'published' ? isCorrect(poll, mine) : null;
  return (
    <section class={cls('poll-card', `poll-card-${poll.status}`)} aria-labelledby={headingId} data-testid="student-poll" data-poll-id={poll.id} data-status={poll.status}>
      <div class="poll-card-head">
        <PollKind poll={poll} />
        <span class="poll-status" data-testid="poll-status">{POLL_STATUS[poll.status]}</span>
        {!open && (
          <button type="button" class="btn-link small" onClick={onDismiss} data-testid="poll-dismiss">
            Hide
          </button>
        )}
      </div>
      <h3 id={headingId} class="poll-question">{poll.question}</h3>
      {poll.status === 'published' ? (
        <>
          {right !== null && (
            <p class={cls('poll-verdict', right ? 'poll-verdict-right' : 'poll-verdict-wrong')} data-testid="poll-verdict" role="status">
              {right ? '✓ You got it right!' : '✗ Not quite — the correct answer is marked below.'}
            </p>
          )}
          {!mine && <p class="muted small">You did not vote.</p>}
          <PollBars poll={poll} showCorrect mine={mine} />
        </>
      ) : (
        <form onSubmit={submit} class="poll-vote">
          <fieldset class="poll-options" disabled={!open}>
            <legend class="visually-hidden">{poll.multiple ? 'Choose one or more answers' : 'Choose one answer'}</legend>
            {poll.options.map((o, i) => (
              <label key={i} class={cls('poll-option', choice.includes(i) && 'poll-option-chosen')}>
                <input
                  type={poll.multiple ? 'checkbox' : 'radio'}
                  name={`poll-${poll.id}`}
                  checked={choice.includes(i)}
                  onChange={() => toggle(i)}
                  data-testid="poll-choice"
                />
                <span>{o}</span>
              </label>
            ))}
          </fieldset>
          {open ? (
            <div class="poll-vote-foot">
              <button type="submit" class="btn btn-primary btn-small" disabled={!connected || vote.busy || choice.length === 0 || same} data-testid="poll-vote">
                {vote.busy ? 'Sending…' : mine ? 'Change vote' : 'Vote'}
              </button>
              {mine && (
                <span class="muted small" data-testid="poll-voted" role="status">
                  {same ? 'Your vote is in. You can change it until voting closes.' : 'Not sent yet: press Change vote.'}
                </span>
              )}
            </div>
          ) : (
            <p class="muted small" role="status">{mine ? 'Your vote is in. The teacher will share the results.' : 'Voting has closed.'}</p>
          )}
          {vote.error && <p class="error-text small" role="alert">{vote.error}</p>}
        </form>
      )}
    </section>
  );
}
