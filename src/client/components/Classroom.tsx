// The classroom screen: header with the connection state, the reconnect / ended / breakout
// banners, the chat, the class tools (staff) and the participant list; or a whole-body screen
// for the waiting room and for the end (removed, declined, class ended).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ParticipantInfo } from '../../protocol/messages.js';
import type { Me } from '../api.js';
import { canControl, myCaps } from '../classView.js';
import { dmRecipients } from '../roomState.js';
import type { EndAction, RoomSession, SessionSnapshot, SessionStatus } from '../roomSession.js';
import { useRoomSession } from '../useRoomSession.js';
import { cls } from '../format.js';
import { Brand, Link, RoleBadge, UserMenu, useScreen } from './common.js';
import { Composer } from './Composer.js';
import { MessageList } from './MessageList.js';
import { ParticipantList } from './ParticipantList.js';
import { ParticipantChips } from './class/Chips.js';
import { BreakoutBanner, FINAL_SCREEN_CODES, FinalScreen, WaitingScreen } from './class/ClassScreens.js';
import { ClassContext } from './class/context.js';
import { HandsQueue } from './class/Hands.js';
import { StudentBar } from './class/StudentBar.js';
import { StudentPollCard } from './class/StudentPoll.js';
import { useStaffUi, type StaffUi } from './class/useStaffUi.js';
import { Whiteboard } from '../whiteboard/Whiteboard.js';
import { MediaContext, useMediaController } from '../media/useMedia.js';
import { MediaStage } from '../media/MediaStage.js';

export function Classroom({ roomId, me, onSignOut }: { roomId: string; me: Me; onSignOut: () => void }) {
  const [session, snap] = useRoomSession(roomId);
  const media = useMediaController(session);
  const { status, room } = snap;
  const [panel, setPanel] = useState<Panel>(null);
  const peopleToggle = useRef<HTMLButtonElement>(null);
  const toolsToggle = useRef<HTMLButtonElement>(null);
  const title = room.room?.title ?? 'Classroom';
  const heading = useScreen(title);
  const connected = status.kind === 'live' || status.kind === 'syncing';
  const ended = status.kind === 'ended' ? status : null;
  const finalCode = ended?.code != null && FINAL_SCREEN_CODES.has(ended.code) ? ended.code : null;
  const staff = canControl(room);
  const toggle = (p: Exclude<Panel, null>) => setPanel((o) => (o === p ? null : p));
  // On narrow screens a panel covers the chat: Escape closes it and returns to its button.
  const closePanel = () => {
    (panel === 'tools' ? toolsToggle : peopleToggle).current?.focus();
    setPanel(null);
  };

  return (
    <ClassContext.Provider value={{ session, room, connected }}>
      <MediaContext.Provider value={media}>
      <div class="page classroom">
        <header class="topbar">
          <div class="topbar-room">
            {me.roomId === null && <Brand />}
            <div class="room-heading">
              <h1 tabIndex={-1} ref={heading} data-testid="room-title">{title}</h1>
              {room.self && <RoleBadge role={room.self.role} small />}
              {room.class.session && !ended && status.kind !== 'waiting' && (
                <span class="chip chip-live" data-testid="in-class">
                  <span class="live-dot" aria-hidden="true" /> In class
                </span>
              )}
            </div>
          </div>
          <div class="topbar-actions">
            <StatusBadge status={status} />
            {staff && !finalCode && (
              <button
                type="button"
                class="btn btn-quiet tools-toggle"
                ref={toolsToggle}
                aria-expanded={panel === 'tools'}
                aria-controls="tools-panel"
                onClick={() => toggle('tools')}
              >
                Class tools
              </button>
            )}
            <button
              type="button"
              class="btn btn-quiet people-toggle"
              ref={peopleToggle}
              aria-expanded={panel === 'people'}
              aria-controls="people-panel"
              onClick={() => toggle('people')}
            >
              People <span class="count">{room.participants.length}</span>
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
        {ended && !finalCode && (
          <div class="banner banner-error" role="alert" data-testid="ended-banner">
            <span class="banner-text">
              <strong>{ended.title}</strong>
              {ended.detail && <span class="banner-detail"> {ended.detail}</span>}
            </span>
            <EndedAction action={ended.action} onTakeOver={() => session.takeOver()} guest={me.roomId !== null} />
          </div>
        )}
        {!ended && <BreakoutBanner endsAt={snap.breakoutEndsAt} staff={staff} />}

        {status.kind === 'waiting' ? (
          <WaitingScreen title={title} />
        ) : finalCode !== null && ended ? (
          <FinalScreen code={finalCode} title={ended.title} detail={ended.detail} guest={me.roomId !== null} />
        ) : (
          <Body session={session} snap={snap} staff={staff} panel={panel} onEscape={closePanel} me={me} onSignOut={onSignOut} />
        )}
      </div>
      </MediaContext.Provider>
    </ClassContext.Provider>
  );
}

/** Which side panel covers the chat on a narrow screen. */
type Panel = 'people' | 'tools' | null;

interface BodyProps {
  session: RoomSession;
  snap: SessionSnapshot;
  staff: boolean;
  panel: Panel;
  onEscape: () => void;
  me: Me;
  onSignOut: () => void;
}

function Body({ session, snap, staff, panel, onEscape, me, onSignOut }: BodyProps) {
  const { status, room } = snap;
  const connected = status.kind === 'live' || status.kind === 'syncing';
  const ended = status.kind === 'ended';
  const ui = useStaffUi(staff);
  const staffUi: StaffUi | null = ui === 'failed' ? null : ui;
  const caps = myCaps(room);
  const selfId = room.self?.userId ?? null;
  const chatOff = caps && !caps.chat ? 'The teacher has turned off chat for you.' : null;
  const menu = staffUi ? (p: ParticipantInfo) => (p.role === 'student' && p.userId !== selfId ? <staffUi.ParticipantMenu p={p} /> : null) : undefined;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && panel !== null) onEscape();
  };
  // Board and chat side by side on wide screens; elsewhere tabs (chat first, as before).
  const [view, setView] = useState<'chat' | 'board'>('chat');
  const split = useMedia(staff ? SPLIT_QUERY_STAFF : SPLIT_QUERY);

  return (
    <div class={cls('classroom-body', staff && 'classroom-body-staff')}>
      <div class={cls('stage', `stage-${view}`)}>
        {room.self && !ended && <MediaStage room={room} connected={connected} />}
        <div class="stage-tabs" role="tablist" aria-label="Board or chat">
          {(['board', 'chat'] as const).map((v) => (
            <button
              key={v}
              type="button"
              role="tab"
              class={cls('stage-tab', view === v && 'stage-tab-on')}
              aria-selected={view === v}
              onClick={() => setView(v)}
              data-testid={`tab-${v}`}
            >
              {v === 'board' ? 'Whiteboard' : 'Chat'}
            </button>
          ))}
        </div>
        {room.self && <Whiteboard key={snap.roomId} visible={split || view === 'board'} />}
        <section class="chat" aria-labelledby="chat-title">
          <h2 id="chat-title" class="visually-hidden">Chat</h2>
          {!staff && room.self && <StudentPollCard />}
          {status.kind === 'connecting' && room.room === null ? (
            <p class="muted chat-loading" role="status">Connecting to the room…</p>
          ) : (
            <MessageList
              key={snap.roomId}
              messages={room.messages}
              hasMore={room.hasMore}
              self={room.self}
              onLoadEarlier={connected ? () => session.loadEarlier() : null}
              onDelete={connected ? (id) => session.deleteMessage(id) : null}
            />
          )}
          {!staff && room.self && !ended && <StudentBar />}
          <Composer
            key={snap.roomId}
            roomId={snap.roomId}
            connected={connected}
            disabledReason={ended ? 'You can no longer send messages in this room.' : chatOff}
            recipients={dmRecipients(room)}
            onSend={(text, to) => session.send(text, to)}
          />
        </section>
      </div>
      {staff && (
        <aside id="tools-panel" class={cls('tools', panel === 'tools' && 'tools-open')} aria-label="Class tools" onKeyDown={onKeyDown} data-testid="class-tools">
          {ui === 'failed' ? (
            <p class="error-text tool-load-error" role="alert">
              The class tools could not load.{' '}
              <button type="button" class="btn-link" onClick={() => location.reload()}>
                Reload the page
              </button>
            </p>
          ) : staffUi ? (
            <staffUi.StaffTools />
          ) : (
            <p class="muted small tool-empty" role="status">Loading the class tools…</p>
          )}
        </aside>
      )}
      <aside id="people-panel" class={cls('people', panel === 'people' && 'people-open')} aria-labelledby="people-title" onKeyDown={onKeyDown}>
        {staffUi && (
          <>
            <staffUi.LobbyQueue />
            <staffUi.RequestsQueue />
          </>
        )}
        <HandsQueue staff={staff} />
        <h2 id="people-title" class="people-title">
          In this room <span class="count">{room.participants.length}</span>
        </h2>
        <ParticipantList participants={room.participants} selfId={selfId} chips={(p) => <ParticipantChips p={p} />} menu={menu} />
        {/* On phones the header has no room for the account menu: it lives in this panel. */}
        <div class="people-account">
          <UserMenu me={me} onSignOut={onSignOut} />
        </div>
      </aside>
    </div>
  );
}

/** Wide enough for the board and the chat side by side (matches the stylesheet). */
const SPLIT_QUERY = '(min-width: 1500px)';
/** Staff have the class tools column too. */
const SPLIT_QUERY_STAFF = '(min-width: 1900px)';

function useMedia(query: string): boolean {
  const [on, setOn] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const change = () => setOn(m.matches);
    m.addEventListener('change', change);
    return () => m.removeEventListener('change', change);
  }, [query]);
  return on;
}

const STATUS_TEXT: Record<SessionStatus['kind'], string> = {
  connecting: 'Connecting…',
  waiting: 'Waiting room',
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
