// Staff: create a poll or quiz, follow the live counts, close it and publish the results.
import { useState } from 'preact/hooks';
import { Limits } from '../../../protocol/constants.js';
import type { Poll } from '../../../protocol/classState.js';
import { isCorrect, nameOf, pollsNewestFirst } from '../../classView.js';
import { useAction, useClass } from './context.js';
import { POLL_STATUS, PollBars, PollKind } from './PollBars.js';

export function PollsPanel() {
  const { room } = useClass();
  const polls = pollsNewestFirst(room.class);
  const [creating, setCreating] = useState(false);
  return (
    <div class="tool-stack" data-testid="polls-panel">
      {creating ? (
        <PollForm onDone={() => setCreating(false)} />
      ) : (
        <button type="button" class="btn btn-primary btn-block" onClick={() => setCreating(true)} data-testid="new-poll">
          New poll or quiz
        </button>
      )}
      {polls.length === 0 && !creating && <p class="muted small tool-empty">No polls yet. A poll with correct answers marked is a quiz.</p>}
      {polls.map((p) => (
        <StaffPollCard key={p.id} poll={p} />
      ))}
    </div>
  );
}

function PollForm({ onDone }: { onDone: () => void }) {
  const { session, connected } = useClass();
  const [question, setQuestion] = useState('');
  const [options, setOptions] = useState<string[]>(['', '']);
  const [correct, setCorrect] = useState<number[]>([]);
  const [multiple, setMultiple] = useState(false);
  const [anonymous, setAnonymous] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const create = useAction();

  const setOption = (i: number, v: string) => setOptions((o) => o.map((x, j) => (j === i ? v : x)));
  const removeOption = (i: number) => {
    setOptions((o) => o.filter((_, j) => j !== i));
    setCorrect((c) => c.filter((x) => x !== i).map((x) => (x > i ? x - 1 : x)));
  };
  const toggleCorrect = (i: number) => setCorrect((c) => (c.includes(i) ? c.filter((x) => x !== i) : [...c, i].sort((a, b) => a - b)));

  const submit = async (e: Event) => {
    e.preventDefault();
    const q = question.trim();
    const opts = options.map((o) => o.trim());
    if (!q) return setProblem('Write the question.');
    if (opts.some((o) => !o)) return setProblem('Fill in every option, or remove the empty ones.');
    if (!multiple && correct.length > 1) return setProblem('A one-answer quiz has one correct option: allow several answers, or mark just one.');
    setProblem(null);
    const ok = await create.run(() =>
      session.request('poll.create', {
        question: q, options: opts,
        ...(multiple ? { multiple } : {}),
        ...(anonymous ? { anonymous } : {}),
        ...(correct.length ? { correct } : {}),
      }));
    if (ok) onDone();
  };

  return (
    <form class="tool-card poll-form" onSubmit={submit} data-testid="poll-form">
      <h3 class="tool-title">New {correct.length ? 'quiz' : 'poll'}</h3>
      <div class="field">
        <label for="poll-question">Question</label>
        <textarea id="poll-question" rows={2} maxLength={Limits.pollQuestionLength} value={question} onInput={(e) => setQuestion(e.currentTarget.value)} data-testid="poll-question" />
      </div>
      <fieldset class="poll-form-options">
        <legend>Options <span class="muted small">— tick the correct ones to make a quiz</span></legend>
        {options.map((o, i) => (
          <div key={i} class="poll-form-option">
            <input
              type="checkbox"
              checked={correct.includes(i)}
              onChange={() => toggleCorrect(i)}
              aria-label={`Option ${i + 1} is correct`}
              title="Correct answer"
              data-testid="poll-option-correct"
            />
            <input
              type="text"
              class="input"
              value={o}
              maxLength={Limits.pollOptionLength}
              placeholder={`Option ${i + 1}`}
              aria-label={`Option ${i + 1}`}
              onInput={(e) => setOption(i, e.currentTarget.value)}
              data-testid="poll-option"
            />
            <button type="button" class="icon-btn" onClick={() => removeOption(i)} disabled={options.length <= 2} aria-label={`Remove option ${i + 1}`}>
              ×
            </button>
          </div>
        ))}
        {options.length < Limits.pollOptions && (
          <button type="button" class="btn-link small" onClick={() => setOptions((o) => [...o, ''])} data-testid="poll-add-option">
            + Add an option
          </button>
        )}
      </fieldset>
      <label class="check">
        <input type="checkbox" checked={multiple} onChange={(e) => setMultiple(e.currentTarget.checked)} data-testid="poll-multiple" />
        Students may pick several answers
      </label>
      <label class="check">
        <input type="checkbox" checked={anonymous} onChange={(e) => setAnonymous(e.currentTarget.checked)} data-testid="poll-anonymous" />
        Anonymous (nobody sees who chose what)
      </label>
      {(problem ?? create.error) && <p class="error-text small" role="alert">{problem ?? create.error}</p>}
      <div class="tool-actions">
        <button type="submit" class="btn btn-primary btn-small" disabled={!connected || create.busy} data-testid="poll-create">
          {create.busy ? 'Starting…' : correct.length ? 'Start quiz' : 'Start poll'}
        </button>
        <button type="button" class="btn btn-quiet btn-small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function StaffPollCard({ poll }: { poll: Poll }) {
  const { session, room, connected } = useClass();
  const act = useAction();
  const students = room.participants.filter((p) => p.role === 'student').length;
  const voters = poll.voters ?? 0;
  const byUser = poll.byUser ? Object.entries(poll.byUser) : [];
  return (
    <section class="tool-card poll-staff" data-testid="staff-poll" data-poll-id={poll.id} data-status={poll.status} aria-label={`Poll: ${poll.question}`}>
      <div class="poll-card-head">
        <PollKind poll={poll} />
        <span class="poll-status" data-testid="poll-status">{POLL_STATUS[poll.status]}</span>
      </div>
      <h3 class="poll-question">{poll.question}</h3>
      <PollBars poll={poll} showCorrect />
      <p class="muted small" data-testid="poll-voters">
        {voters === 1 ? '1 vote' : `${voters} votes`}
        {poll.status === 'open' && students > 0 ? ` · ${students} ${students === 1 ? 'student' : 'students'} here` : ''}
      </p>
      {byUser.length > 0 && (
        <details class="poll-who">
          <summary>Answers by student</summary>
          <ul data-testid="poll-by-user">
            {byUser.map(([id, choices]) => {
              const right = isCorrect(poll, choices);
              return (
                <li key={id}>
                  <span class="poll-who-name">{nameOf(room, Number(id))}</span>
                  <span class="muted">{choices.map((c) => poll.options[c]).join(', ')}</span>
                  {right !== null && <span class={right ? 'chip chip-ok' : 'chip chip-bad'}>{right ? 'right' : 'wrong'}</span>}
                </li>
              );
            })}
          </ul>
        </details>
      )}
      {poll.status !== 'published' && (
        <div class="tool-actions">
          {poll.status === 'open' ? (
            <button type="button" class="btn btn-quiet btn-small" disabled={!connected || act.busy} onClick={() => act.run(() => session.request('poll.close', { pollId: poll.id }))} data-testid="poll-close">
              Close voting
            </button>
          ) : (
            <button type="button" class="btn btn-primary btn-small" disabled={!connected || act.busy} onClick={() => act.run(() => session.request('poll.publish', { pollId: poll.id }))} data-testid="poll-publish">
              Publish results
            </button>
          )}
        </div>
      )}
      {act.error && <p class="error-text small" role="alert">{act.error}</p>}
    </section>
  );
}
