// What needs a teacher's attention, at the top of the people list: who is waiting to come
// in, and students' "ask to" requests (raised hands: Hands.tsx). Staff only: loaded on demand.
import type { LobbyEntry } from '../../../protocol/messages.js';
import { ASK, nameOf } from '../../classView.js';
import { formatTime } from '../../format.js';
import { useAction, useClass } from './context.js';

export function LobbyQueue() {
  const { session, room, connected } = useClass();
  const all = useAction();
  const waiting = room.lobby;
  if (!room.class.settings.waitingRoom && waiting.length === 0) return null;
  return (
    <section class="queue queue-lobby" aria-labelledby="lobby-title" data-testid="lobby">
      <div class="queue-head">
        <h3 id="lobby-title" class="people-group-title">
          Waiting room <span class="count" data-testid="lobby-count">{waiting.length}</span>
        </h3>
        {waiting.length > 0 && (
          <button type="button" class="btn-link small" disabled={!connected || all.busy} onClick={() => all.run(() => session.request('class.admit', { admit: true }))} data-testid="admit-all">
            Admit all
          </button>
        )}
      </div>
      {waiting.length === 0 ? (
        <p class="muted small">Nobody is waiting.</p>
      ) : (
        <ul>
          {waiting.map((w) => (
            <LobbyRow key={w.userId} w={w} />
          ))}
        </ul>
      )}
      {all.error && <p class="error-text small" role="alert">{all.error}</p>}
    </section>
  );
}

function LobbyRow({ w }: { w: LobbyEntry }) {
  const { session, connected } = useClass();
  const act = useAction();
  const answer = (admit: boolean) => act.run(() => session.request('class.admit', { admit, userId: w.userId }));
  return (
    <li class="queue-row" data-testid={`waiting-${w.userId}`}>
      <span class="queue-text">
        <span class="queue-name">{w.displayName}</span>
        <span class="muted small">since {formatTime(w.since)}</span>
      </span>
      <span class="queue-actions">
        <button type="button" class="btn btn-primary btn-tiny" disabled={!connected || act.busy} onClick={() => answer(true)} data-testid="admit">
          Admit
        </button>
        <button type="button" class="btn btn-quiet btn-tiny" disabled={!connected || act.busy} onClick={() => answer(false)} data-testid="deny">
          Deny
        </button>
      </span>
      {act.error && <p class="error-text small queue-error" role="alert">{act.error}</p>}
    </li>
  );
}

export function RequestsQueue() {
  const { room } = useClass();
  const requests = room.class.requests;
  if (requests.length === 0) return null;
  return (
    <section class="queue queue-requests" aria-labelledby="requests-title" data-testid="requests">
      <div class="queue-head">
        <h3 id="requests-title" class="people-group-title">
          Requests <span class="count">{requests.length}</span>
        </h3>
      </div>
      <ul>
        {requests.map((r) => (
          <RequestRow key={`${r.userId}-${r.capability}`} userId={r.userId} capability={r.capability} />
        ))}
      </ul>
    </section>
  );
}

function RequestRow({ userId, capability }: { userId: number; capability: (typeof ASK)[number]['capability'] }) {
  const { session, room, connected } = useClass();
  const act = useAction();
  const what = ASK.find((a) => a.capability === capability)!.ask.replace(/^Ask /, 'asks ');
  const answer = (approve: boolean) => act.run(() => session.request('class.answer', { userId, capability, approve }));
  return (
    <li class="queue-row" data-testid={`request-${userId}-${capability}`}>
      <span class="queue-text">
        <span class="queue-name">{nameOf(room, userId)}</span>
        <span class="muted small">{what}</span>
      </span>
      <span class="queue-actions">
        <button type="button" class="btn btn-primary btn-tiny" disabled={!connected || act.busy} onClick={() => answer(true)} data-testid="approve">
          Approve
        </button>
        <button type="button" class="btn btn-quiet btn-tiny" disabled={!connected || act.busy} onClick={() => answer(false)} data-testid="decline">
          Decline
        </button>
      </span>
      {act.error && <p class="error-text small queue-error" role="alert">{act.error}</p>}
    </li>
  );
}
