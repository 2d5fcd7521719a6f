// The raised-hands queue at the top of the people list: in order, with "Lower" and "Lower
// all" for staff; students see it (read-only) only when the teacher makes hands visible.
import { nameOf, visibleHands } from '../../classView.js';
import { formatTime } from '../../format.js';
import { useAction, useClass } from './context.js';
import { HandIcon } from './icons.js';

export function HandsQueue({ staff }: { staff: boolean }) {
  const { session, room, connected } = useClass();
  const all = useAction();
  const hands = visibleHands(room);
  if (hands.length === 0 || (!staff && !room.class.settings.handsVisible)) return null;
  return (
    <section class="queue queue-hands" aria-labelledby="hands-title" data-testid="hands-queue">
      <div class="queue-head">
        <h3 id="hands-title" class="people-group-title">
          Raised hands <span class="count">{hands.length}</span>
        </h3>
        {staff && hands.length > 1 && (
          <button type="button" class="btn-link small" disabled={!connected || all.busy} onClick={() => all.run(() => session.request('class.lowerHand', {}))} data-testid="lower-all-hands">
            Lower all
          </button>
        )}
      </div>
      <ol>
        {hands.map((h, i) => (
          <HandRow key={h.userId} userId={h.userId} at={h.at} place={i + 1} staff={staff} />
        ))}
      </ol>
      {all.error && <p class="error-text small" role="alert">{all.error}</p>}
    </section>
  );
}

function HandRow({ userId, at, place, staff }: { userId: number; at: number; place: number; staff: boolean }) {
  const { session, room, connected } = useClass();
  const act = useAction();
  const self = room.self?.userId === userId;
  return (
    <li class="queue-row" data-testid={`hand-${userId}`}>
      <span class="queue-place" aria-hidden="true">{place}</span>
      <span class="queue-text">
        <span class="queue-name">
          {nameOf(room, userId)}
          {self && <span class="muted"> (you)</span>}
        </span>
        <span class="muted small queue-since">
          <HandIcon size={12} /> since {formatTime(at)}
        </span>
      </span>
      {staff && (
        <span class="queue-actions">
          <button type="button" class="btn btn-quiet btn-tiny" disabled={!connected || act.busy} onClick={() => act.run(() => session.request('class.lowerHand', { userId }))} data-testid="lower-hand">
            Lower
          </button>
        </span>
      )}
      {act.error && <p class="error-text small queue-error" role="alert">{act.error}</p>}
    </li>
  );
}
