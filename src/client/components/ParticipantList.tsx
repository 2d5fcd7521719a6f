// Who is in the room, grouped by role, with a "reconnecting" indicator. The classroom adds
// class state (chips) and, for staff, a menu of actions per participant.
import type { ComponentChildren } from 'preact';
import type { ParticipantInfo, ParticipantRole } from '../../protocol/messages.js';
import { ROLE_LABEL, cls, initials } from '../format.js';

const GROUPS: ReadonlyArray<{ role: ParticipantRole; title: string }> = [
  { role: 'teacher', title: 'Teachers' },
  { role: 'assistant', title: 'Assistants' },
  { role: 'admin', title: 'Administrators' },
  { role: 'student', title: 'Students' },
];

interface Extras {
  /** Chips after the role badge (hand raised, chat muted…). */
  chips?: (p: ParticipantInfo) => ComponentChildren;
  /** An actions menu at the end of the row, or null for none. */
  menu?: (p: ParticipantInfo) => ComponentChildren;
}

export function ParticipantList({ participants, selfId, chips, menu }: { participants: ParticipantInfo[]; selfId: number | null } & Extras) {
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
                <Participant key={p.userId} p={p} self={p.userId === selfId} chips={chips} menu={menu} />
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

function Participant({ p, self, chips, menu }: { p: ParticipantInfo; self: boolean } & Extras) {
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
          {chips?.(p)}
        </span>
      </span>
      {menu?.(p)}
    </li>
  );
}
