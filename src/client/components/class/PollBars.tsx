// A poll's results as horizontal bars: count and share per option, the correct answers of a
// quiz, and the viewer's own choice. Bars are SVG rects sized by attribute (the CSP allows
// no inline styles).
import type { Poll } from '../../../protocol/classState.js';
import { percentages } from '../../classView.js';
import { cls } from '../../format.js';

export function PollBars({ poll, showCorrect, mine }: { poll: Poll; showCorrect: boolean; mine?: readonly number[] }) {
  const counts = poll.counts ?? poll.options.map(() => 0);
  const voters = poll.voters ?? 0;
  const pct = percentages(counts, voters);
  return (
    <ol class="poll-bars" data-testid="poll-results">
      {poll.options.map((option, i) => {
        const correct = showCorrect && !!poll.correct?.includes(i);
        const chosen = !!mine?.includes(i);
        return (
          <li key={i} class={cls('poll-bar', correct && 'poll-bar-correct', chosen && 'poll-bar-mine')} data-testid="poll-result" data-count={counts[i]}>
            <div class="poll-bar-head">
              <span class="poll-bar-label">{option}</span>
              {correct && <span class="chip chip-ok" data-testid="poll-correct">✓ Correct</span>}
              {chosen && <span class="chip chip-accent">Your answer</span>}
              <span class="poll-bar-count" data-testid="poll-count">
                {counts[i]} <span class="muted">· {pct[i]}%</span>
              </span>
            </div>
            <svg class="poll-bar-track" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
              <rect class="poll-bar-fill" width={pct[i]} height="8" />
            </svg>
          </li>
        );
      })}
    </ol>
  );
}

/** "Quiz · multiple answers · anonymous" chips. */
export function PollKind({ poll }: { poll: Poll }) {
  return (
    <span class="poll-kind">
      <span class={cls('chip', poll.quiz && 'chip-accent')}>{poll.quiz ? 'Quiz' : 'Poll'}</span>
      {poll.multiple && <span class="chip">Several answers</span>}
      {poll.anonymous && <span class="chip">Anonymous</span>}
    </span>
  );
}

export const POLL_STATUS: Record<Poll['status'], string> = {
  open: 'Voting open',
  closed: 'Voting closed',
  published: 'Results published',
};
