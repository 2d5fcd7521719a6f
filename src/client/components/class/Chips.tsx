// The chips that show a student's class state at a glance in the people list: hand raised
// (with its place in line), chat muted, extra permissions.
import { capsOf } from '../../../protocol/classState.js';
import type { ParticipantInfo } from '../../../protocol/messages.js';
import { visibleHands } from '../../classView.js';
import { useClass } from './context.js';
import { HandIcon } from './icons.js';

export function ParticipantChips({ p }: { p: ParticipantInfo }) {
  const { room } = useClass();
  if (p.role !== 'student') return null;
  const i = visibleHands(room).findIndex((h) => h.userId === p.userId);
  const place = i < 0 ? null : i + 1;
  const caps = capsOf(room.class, p.userId, p.role);
  return (
    <>
      {place !== null && (
        <span class="chip chip-hand" data-testid="participant-hand" title={`Raised hand, ${ordinal(place)} in line`}>
          <HandIcon size={12} /> {place}
        </span>
      )}
      {!caps.chat && <span class="chip chip-bad" data-testid="participant-muted">Chat off</span>}
      {caps.audio && <span class="chip chip-ok">Speaking</span>}
      {caps.draw && <span class="chip chip-ok">Drawing</span>}
      {caps.screen && <span class="chip chip-ok">Screen</span>}
    </>
  );
}

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ['th', 'st', 'nd', 'rd'][n % 10] ?? 'th';
  return `${n}${s}`;
}
