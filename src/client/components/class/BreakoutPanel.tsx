// Staff, "Breakouts" tab: split the students present into groups (at random or by hand),
// with an optional timer; while groups run: members, a Visit button, a message to every
// group, the countdown, and the recall.
import { useState } from 'preact/hooks';
import { Limits } from '../../../protocol/constants.js';
import type { BreakoutGroup } from '../../../protocol/classState.js';
import { formatCountdown, groupLabel, nameOf, spread } from '../../classView.js';
import { useAction, useClass, useNow } from './context.js';

export function BreakoutPanel() {
  const { room } = useClass();
  if (room.parentRoomId !== null) {
    return <p class="muted small tool-empty">You are visiting a breakout group. Go back to the class room to manage breakouts.</p>;
  }
  return room.class.breakout ? <RunningBreakouts /> : <BreakoutForm />;
}

function BreakoutForm() {
  const { session, room, connected } = useClass();
  const students = room.participants.filter((p) => p.role === 'student').sort((a, b) => a.displayName.localeCompare(b.displayName));
  const [groups, setGroups] = useState(2);
  const [byHand, setByHand] = useState(false);
  const [assign, setAssign] = useState<Record<number, number>>({});
  const [minutes, setMinutes] = useState('');
  const start = useAction();
  const n = Math.max(1, Math.min(Limits.breakoutGroups, groups || 1));
  // Students not yet placed by hand start spread evenly; the teacher adjusts from there.
  const initial = spread(students.map((s) => s.userId), n);
  const groupFor = (userId: number) => Math.min(assign[userId] ?? initial[userId] ?? 0, n - 1);

  const submit = (e: Event) => {
    e.preventDefault();
    const duration = minutes.trim() === '' ? undefined : Math.round(Number(minutes));
    void start.run(() =>
      session.request('breakout.start', {
        groups: n,
        ...(byHand ? { assign: students.map((s) => ({ userId: s.userId, group: groupFor(s.userId) })) } : {}),
        ...(duration ? { durationMinutes: duration } : {}),
      }));
  };

  return (
    <form class="tool-stack" onSubmit={submit} data-testid="breakout-form">
      <section class="tool-card">
        <h3 class="tool-title">Breakout groups</h3>
        <div class="field-row">
          <label for="breakout-groups">Groups</label>
          <input id="breakout-groups" class="input input-number" type="number" min={1} max={Limits.breakoutGroups} value={groups} onInput={(e) => setGroups(Number(e.currentTarget.value))} data-testid="breakout-groups" />
        </div>
        <div class="field-row">
          <label for="breakout-minutes">Timer</label>
          <input id="breakout-minutes" class="input input-number" type="number" min={1} max={240} placeholder="none" value={minutes} onInput={(e) => setMinutes(e.currentTarget.value)} data-testid="breakout-minutes" />
          <span class="muted small">minutes (optional)</span>
        </div>
        <fieldset class="segmented">
          <legend class="visually-hidden">How to form the groups</legend>
          <label class={byHand ? '' : 'segmented-on'}>
            <input type="radio" name="breakout-mode" checked={!byHand} onChange={() => setByHand(false)} data-testid="breakout-random" />
            At random
          </label>
          <label class={byHand ? 'segmented-on' : ''}>
            <input type="radio" name="breakout-mode" checked={byHand} onChange={() => setByHand(true)} data-testid="breakout-by-hand" />
            By hand
          </label>
        </fieldset>
        {byHand && (
          students.length === 0 ? (
            <p class="muted small">No students are in the room.</p>
          ) : (
            <ul class="assign-list" data-testid="breakout-assign">
              {students.map((s) => (
                <li key={s.userId}>
                  <label for={`assign-${s.userId}`}>{s.displayName}</label>
                  <select
                    id={`assign-${s.userId}`}
                    value={String(groupFor(s.userId))}
                    onChange={(e) => setAssign((a) => ({ ...a, [s.userId]: Number(e.currentTarget.value) }))}
                    data-testid={`assign-${s.userId}`}
                  >
                    {Array.from({ length: n }, (_, g) => (
                      <option key={g} value={String(g)}>
                        Group {g + 1}
                      </option>
                    ))}
                  </select>
                </li>
              ))}
            </ul>
          )
        )}
        {!byHand && <p class="muted small">{students.length} {students.length === 1 ? 'student' : 'students'} here will be spread over {n} {n === 1 ? 'group' : 'groups'}.</p>}
        {start.error && <p class="error-text small" role="alert">{start.error}</p>}
        <div class="tool-actions">
          <button type="submit" class="btn btn-primary btn-small" disabled={!connected || start.busy} data-testid="breakout-start">
            {start.busy ? 'Opening groups…' : 'Start breakouts'}
          </button>
        </div>
      </section>
    </form>
  );
}

function RunningBreakouts() {
  const { session, room, connected } = useClass();
  const b = room.class.breakout!;
  const now = useNow(b.endsAt !== null);
  const end = useAction();
  return (
    <div class="tool-stack" data-testid="breakout-running">
      <section class="tool-card">
        <h3 class="tool-title">
          Breakouts running
          {b.endsAt !== null && (
            <span class="chip chip-accent countdown" data-testid="breakout-countdown">
              ends in {formatCountdown(b.endsAt, now)}
            </span>
          )}
        </h3>
        <ul class="group-list">
          {b.groups.map((g) => (
            <GroupRow key={g.roomId} g={g} />
          ))}
        </ul>
      </section>
      <Broadcast />
      <section class="tool-card">
        {end.error && <p class="error-text small" role="alert">{end.error}</p>}
        <button type="button" class="btn btn-danger btn-small btn-block" disabled={!connected || end.busy} onClick={() => end.run(() => session.request('breakout.end', {}))} data-testid="breakout-end">
          End breakouts and recall everyone
        </button>
      </section>
    </div>
  );

}

function GroupRow({ g }: { g: BreakoutGroup }) {
  const { session, room, connected } = useClass();
  const visit = useAction();
  return (
    <li class="group" data-testid="breakout-group" data-room-id={g.roomId}>
      <div class="group-head">
        <strong>{groupLabel(g.name)}</strong>
        <button type="button" class="btn btn-quiet btn-small" disabled={!connected || visit.busy} onClick={() => visit.run(() => session.visit(g.roomId))} data-testid="breakout-visit">
          Visit
        </button>
      </div>
      <p class="muted small group-members" data-testid="breakout-members">{g.userIds.length ? g.userIds.map((id) => nameOf(room, id)).join(', ') : 'Nobody'}</p>
      {visit.error && <p class="error-text small" role="alert">{visit.error}</p>}
    </li>
  );
}

function Broadcast() {
  const { session, connected } = useClass();
  const [text, setText] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const send = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const t = text.trim();
    if (!t) return;
    setSent(null);
    let delivered = 0;
    const ok = await send.run(async () => {
      delivered = (await session.request('breakout.broadcast', { text: t })).delivered;
    });
    if (ok) {
      setText('');
      setSent(`Sent to ${delivered} ${delivered === 1 ? 'group' : 'groups'}.`);
    }
  };
  return (
    <form class="tool-card" onSubmit={submit} data-testid="breakout-broadcast">
      <label class="tool-title" for="broadcast-text">Message to every group</label>
      <textarea id="broadcast-text" class="input" rows={2} maxLength={Limits.chatTextLength} value={text} onInput={(e) => setText(e.currentTarget.value)} data-testid="broadcast-text" />
      <div class="tool-actions">
        <button type="submit" class="btn btn-primary btn-small" disabled={!connected || send.busy || !text.trim()} data-testid="broadcast-send">
          Send to all groups
        </button>
        {sent && <span class="muted small" role="status" data-testid="broadcast-sent">{sent}</span>}
      </div>
      {send.error && <p class="error-text small" role="alert">{send.error}</p>}
    </form>
  );
}
