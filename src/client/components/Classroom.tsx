// The classroom screen: header with the connection state, the reconnect / ended banners,
// the chat and the participant list.
import { useRef, useState } from 'preact/hooks';
import type { Me } from '../api.js';
import { dmRecipients } from '../roomState.js';
import type { EndAction, SessionStatus } from '../roomSession.js';
import { useRoomSession } from '../useRoomSession.js';
import { cls } from '../format.js';
import { Brand, Link, RoleBadge, UserMenu, useScreen } from './common.js';
import { Composer } from './Composer.js';
import { MessageList } from './MessageList.js';
import { ParticipantList } from './ParticipantList.js';

export function Classroom({ roomId, me, onSignOut }: { roomId: string; me: Me; onSignOut: () => void }) {
  const [session, snap] = useRoomSession(roomId);
  const { status, room } = snap;
  const [peopleOpen, setPeopleOpen] = useState(false);
  const peopleToggle = useRef<HTMLButtonElement>(null);
  const title = room.room?.title ?? 'Classroom';
  const heading = useScreen(title);
  const connected = status.kind === 'live' || status.kind === 'syncing';
  const ended = status.kind === 'ended' ? status : null;
  const present = room.participants.length;

  return (
    <div class="page classroom">
      <header class="topbar">
        <div class="topbar-room">
          {me.roomId === null && <Brand />}
          <div class="room-heading">
            <h1 tabIndex={-1} ref={heading} data-testid="room-title">{title}</h1>
            {room.self && <RoleBadge role={room.self.role} small />}
          </div>
        </div>
        <div class="topbar-actions">
          <StatusBadge status={status} />
          <button
            type="button"
            class="btn btn-quiet people-toggle"
            ref={peopleToggle}
            aria-expanded={peopleOpen}
            aria-controls="people-panel"
            onClick={() => setPeopleOpen((o) => !o)}
          >
            People <span class="count">{present}</span>
          </button>
          <div class="topbar-account">
            <UserMenu me={me} onSignOut={onSignOut} />
          </div>
        </div>
      </header>

      {status.kind === 'reconnecting' && (
        <div class="banner banner-warn" role="status" data-testid="reconnecting-banner">
          <span class="spinner" aria-hidden="true" />
          <span class="banner-text">
            <strong>Reconnecting…</strong> You will see everything you missed once the connection is back.
          </span>
          <button type="button" class="btn btn-quiet btn-small" onClick={() => session.retryNow()}>
            Retry now
          </button>
        </div>
      )}
      {ended && (
        <div class="banner banner-error" role="alert" data-testid="ended-banner">
          <span class="banner-text">
            <strong>{ended.title}</strong>
            {ended.detail && <span class="banner-detail"> {ended.detail}</span>}
          </span>
          <EndedAction action={ended.action} onTakeOver={() => session.takeOver()} guest={me.roomId !== null} />
        </div>
      )}

      <div class="classroom-body">
        <section class="chat" aria-labelledby="chat-title">
          <h2 id="chat-title" class="visually-hidden">Chat</h2>
          {status.kind === 'connecting' && room.room === null ? (
            <p class="muted chat-loading" role="status">Connecting to the room…</p>
          ) : (
            <MessageList
              messages={room.messages}
              hasMore={room.hasMore}
              self={room.self}
              onLoadEarlier={connected ? () => session.loadEarlier() : null}
              onDelete={connected ? (id) => session.deleteMessage(id) : null}
            />
          )}
          <Composer
            roomId={roomId}
            connected={connected}
            disabledReason={ended ? 'You can no longer send messages in this room.' : null}
            recipients={dmRecipients(room)}
            onSend={(text, to) => session.send(text, to)}
          />
        </section>
        <aside
          id="people-panel"
          class={cls('people', peopleOpen && 'people-open')}
          aria-labelledby="people-title"
          onKeyDown={(e) => {
            // On phones the panel covers the chat: Escape closes it and returns to its button.
            if (e.key === 'Escape' && peopleOpen) {
              setPeopleOpen(false);
              peopleToggle.current?.focus();
            }
          }}
        >
          <h2 id="people-title" class="people-title">
            In this room <span class="count">{present}</span>
          </h2>
          <ParticipantList participants={room.participants} selfId={room.self?.userId ?? null} />
          {/* On phones the header has no room for the account menu: it lives in this panel. */}
          <div class="people-account">
            <UserMenu me={me} onSignOut={onSignOut} />
          </div>
        </aside>
      </div>
    </div>
  );
}

const STATUS_TEXT: Record<SessionStatus['kind'], string> = {
  connecting: 'Connecting…',
  syncing: 'Catching up…',
  live: 'Connected',
  reconnecting: 'Reconnecting…',
  ended: 'Disconnected',
};

function StatusBadge({ status }: { status: SessionStatus }) {
  return (
    <span class={cls('status', `status-${status.kind}`)} data-testid="connection-status" data-state={status.kind}>
      <span class="dot" aria-hidden="true" />
      <span class="status-text">{STATUS_TEXT[status.kind]}</span>
    </span>
  );
}

function EndedAction({ action, onTakeOver, guest }: { action: EndAction; onTakeOver: () => void; guest: boolean }) {
  switch (action) {
    case 'sign-in':
      return (
        <button type="button" class="btn btn-primary btn-small" onClick={() => { location.assign(`/login?next=${encodeURIComponent(location.pathname)}`); }}>
          Sign in again
        </button>
      );
    case 'take-over':
      return (
        <button type="button" class="btn btn-primary btn-small" onClick={onTakeOver} data-testid="take-over">
          Use this tab instead
        </button>
      );
    case 'reload':
      return (
        <button type="button" class="btn btn-primary btn-small" onClick={() => location.reload()}>
          Reload
        </button>
      );
    case 'rooms':
      return guest ? null : (
        <Link href="/" class="btn btn-primary btn-small">
          Back to my rooms
        </Link>
      );
  }
}
