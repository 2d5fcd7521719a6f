// Staff, "Class" tab: start and end the class session, the room's settings (lock, waiting
// room, hands visible), and what every student may do (chat, draw, speak, camera, screen).
import { useState } from 'preact/hooks';
import type { Capability, ClassState } from '../../../protocol/classState.js';
import { CAP_LABEL } from '../../classView.js';
import { formatTime } from '../../format.js';
import { useAction, useClass, useToggles } from './context.js';

export function RoomControls() {
  const { room } = useClass();
  const inGroup = room.parentRoomId !== null;
  return (
    <div class="tool-stack" data-testid="room-controls">
      {!inGroup && <SessionControl />}
      <Settings showEntry={!inGroup} />
      <StudentCaps />
    </div>
  );
}

function SessionControl() {
  const { session, room, connected } = useClass();
  const act = useAction();
  const [confirming, setConfirming] = useState(false);
  const s = room.class.session;
  return (
    <section class="tool-card" aria-labelledby="session-title" data-testid="session-control" data-running={s ? 'yes' : 'no'}>
      <h3 id="session-title" class="tool-title">Class session</h3>
      {s ? (
        <p class="tool-line">
          <span class="live-dot" aria-hidden="true" />
          <span>
            <strong>Session {s.number}</strong> in progress since {formatTime(s.startedAt)}
          </span>
        </p>
      ) : (
        <p class="muted small">
          {room.class.sessionsHeld > 0 ? `${room.class.sessionsHeld} ${room.class.sessionsHeld === 1 ? 'session' : 'sessions'} held so far. ` : ''}
          Starting a class records attendance for this session.
        </p>
      )}
      {confirming ? (
        <div class="confirm" role="group" aria-label="Confirm ending the class">
          <p>End the class for everyone? Students are disconnected, raised hands and requests are cleared, and breakout groups close.</p>
          <div class="tool-actions">
            <button
              type="button"
              class="btn btn-danger btn-small"
              disabled={!connected || act.busy}
              onClick={async () => {
                if (await act.run(() => session.request('class.end', {}))) setConfirming(false);
              }}
              data-testid="confirm-end-class"
            >
              End class
            </button>
            <button type="button" class="btn btn-quiet btn-small" onClick={() => setConfirming(false)}>
              Keep going
            </button>
          </div>
        </div>
      ) : (
        <div class="tool-actions">
          {s ? (
            <button type="button" class="btn btn-quiet btn-small btn-danger-text" disabled={!connected} onClick={() => setConfirming(true)} data-testid="end-class">
              End class…
            </button>
          ) : (
            <button type="button" class="btn btn-primary btn-small" disabled={!connected || act.busy} onClick={() => act.run(() => session.request('class.start', {}))} data-testid="start-class">
              Start class
            </button>
          )}
        </div>
      )}
      {act.error && <p class="error-text small" role="alert">{act.error}</p>}
    </section>
  );
}

type Setting = keyof ClassState['settings'];
const SETTINGS: ReadonlyArray<{ key: Setting; label: string; help: string; entry: boolean }> = [
  { key: 'locked', label: 'Lock the room', help: 'No one new can come in; people already here stay.', entry: true },
  { key: 'waitingRoom', label: 'Waiting room', help: 'Students wait until you let them in.', entry: true },
  { key: 'handsVisible', label: 'Students see raised hands', help: 'Otherwise each student sees only their own.', entry: false },
];

function Settings({ showEntry }: { showEntry: boolean }) {
  const { session, room, connected } = useClass();
  const act = useToggles();
  const settings = room.class.settings;
  return (
    <section class="tool-card" aria-labelledby="settings-title">
      <h3 id="settings-title" class="tool-title">Room</h3>
      {SETTINGS.filter((s) => showEntry || !s.entry).map((s) => (
        <label key={s.key} class="switch-row">
          <input
            type="checkbox"
            role="switch"
            class="switch"
            checked={act.shown(s.key, settings[s.key])}
            disabled={!connected || act.busy}
            onChange={(e) => {
              const value = e.currentTarget.checked;
              void act.toggle(s.key, value, () => session.request('class.settings', { [s.key]: value }));
            }}
            data-testid={`setting-${s.key}`}
          />
          <span class="switch-text">
            <span>{s.label}</span>
            <span class="muted small">{s.help}</span>
          </span>
        </label>
      ))}
      {act.error && <p class="error-text small" role="alert">{act.error}</p>}
    </section>
  );
}

const STUDENT_CAPS: readonly Capability[] = ['chat', 'draw', 'audio', 'video', 'screen'];

function StudentCaps() {
  const { session, room, connected } = useClass();
  const act = useToggles();
  const caps = room.class.studentCaps;
  const grant = (capability: Capability, allow: boolean) => act.toggle(capability, allow, () => session.request('class.grant', { capability, allow }));
  return (
    <section class="tool-card" aria-labelledby="caps-title" data-testid="student-caps">
      <h3 id="caps-title" class="tool-title">All students may</h3>
      <div class="cap-grid">
        {STUDENT_CAPS.map((c) => (
          <label key={c} class="check">
            <input type="checkbox" checked={act.shown(c, caps[c])} disabled={!connected || act.busy} onChange={(e) => grant(c, e.currentTarget.checked)} data-testid={`all-${c}`} />
            {CAP_LABEL[c]}
          </label>
        ))}
      </div>
      <button
        type="button"
        class="btn btn-quiet btn-small btn-block"
        disabled={!connected || act.busy}
        onClick={() => grant('chat', !caps.chat)}
        data-testid="mute-all-chat"
      >
        {caps.chat ? 'Mute chat for all students' : 'Unmute chat for all students'}
      </button>
      <p class="muted small">Per-student exceptions are in each student’s menu (⋯) in the people list.</p>
      {act.error && <p class="error-text small" role="alert">{act.error}</p>}
    </section>
  );
}
