// Who is in the room, grouped by role, with a "reconnecting" indicator.
import type { ParticipantInfo, ParticipantRole } from '../../protocol/messages.js';
import { ROLE_LABEL, cls, initials } from '../format.js';

const GROUPS: ReadonlyArray<{ role: ParticipantRole; title: string }> = [
  { role: 'teacher', title: 'Teachers' },
  { role: 'assistant', title: 'Assistants' },
  { role: 'admin', title: 'Administrators' },
  { role: 'student', title: 'Students' },
];

export function ParticipantList({ participants, selfId }: { participants: ParticipantInfo[]; selfId: number | null }) {
  return (
    <div class="people-groups" data-testid="participants">
      {GROUPS.map(({ role, title }) => {
        const members = participants
          .filter((p) => p.role === role)
          .sort((a, b) => a.displayName.localeCompare(b.displayName));
        if (members.length === 0) return null;
        const headingId = `people-${role}`;
        return (
          <section key={role} class="people-group" aria-labelledby={headingId}>
            <h3 id={headingId} class="people-group-title">
              {title} <span class="count">{members.length}</span>
            </h3>
            <ul>
              {members.map((p) => (
                <Participant key={p.userId} p={p} self={p.userId === selfId} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function Participant({ p, self }: { p: ParticipantInfo; self: boolean }) {
  const reconnecting = p.state === 'reconnecting';
  return (
    <li class={cls('person', reconnecting && 'person-away')} data-testid={`participant-${p.userId}`} data-state={p.state}>
      <span class={cls('avatar', `avatar-${p.role}`)} aria-hidden="true">{initials(p.displayName)}</span>
      <span class="person-text">
        <span class="person-name">
          {p.displayName}
          {self && <span class="muted"> (you)</span>}
        </span>
        <span class="person-meta">
          <span class={cls('badge', 'badge-small', `badge-${p.role}`)}>{ROLE_LABEL[p.role]}</span>
          {reconnecting && (
            <span class="chip chip-warn" data-testid="participant-reconnecting">
              Reconnecting…
            </span>
          )}
        </span>
      </span>
    </li>
  );
}
