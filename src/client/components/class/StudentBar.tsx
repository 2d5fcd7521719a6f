// A student's class actions above the composer: raise or lower the hand, and ask to speak,
// draw or share the screen (hidden once granted, "asked…" while pending, and a note when the
// teacher declines, from the teacher's answer itself).
import type { Requestable } from '../../../protocol/classState.js';
import { ASK, handPlace, myCaps, pendingRequests } from '../../classView.js';
import { cls } from '../../format.js';
import { useAction, useClass } from './context.js';
import { HandIcon } from './icons.js';

export function StudentBar() {
  const { session, room, connected } = useClass();
  const hand = useAction();
  const ask = useAction();
  const self = room.self;
  const caps = myCaps(room);
  const pending = self ? pendingRequests(room.class, self.userId) : new Set<Requestable>();
  const declined = room.declined;
  if (!self || !caps) return null;
  const place = handPlace(room.class, self.userId);
  const raised = place !== null;
  const asks = ASK.filter((a) => !caps[a.capability]);

  return (
    <div class="student-bar" data-testid="student-bar">
      <button
        type="button"
        class={cls('btn', 'btn-small', raised ? 'btn-hand-up' : 'btn-quiet')}
        aria-pressed={raised}
        disabled={!connected || hand.busy}
        onClick={() => hand.run(() => session.request('class.hand', { raised: !raised }))}
        data-testid="hand"
      >
        <HandIcon /> {raised ? 'Lower hand' : 'Raise hand'}
      </button>
      {raised && (
        <span class="muted small" role="status" data-testid="hand-status">
          {room.class.settings.handsVisible && room.class.hands.length > 1 ? `Hand raised · ${place} of ${room.class.hands.length} in line` : 'Hand raised'}
        </span>
      )}
      <span class="student-bar-gap" />
      {asks.map((a) =>
        pending.has(a.capability) ? (
          <span key={a.capability} class="chip chip-warn chip-pending" data-testid={`asked-${a.capability}`}>
            {a.pending}
          </span>
        ) : (
          <button
            key={a.capability}
            type="button"
            class="btn btn-quiet btn-small"
            disabled={!connected || ask.busy}
            onClick={() => ask.run(() => session.request('class.request', { capability: a.capability }))}
            data-testid={`ask-${a.capability}`}
          >
            {a.ask}
          </button>
        ),
      )}
      {declined && !caps[declined] && !pending.has(declined) && (
        <span class="muted small" role="status" data-testid="request-declined">
          Your request {ASK.find((a) => a.capability === declined)!.ask.replace(/^Ask /, '')} was declined.
        </span>
      )}
      {(hand.error ?? ask.error) && <p class="error-text small student-bar-error" role="alert">{hand.error ?? ask.error}</p>}
    </div>
  );
}

