// The chat history: paging backwards, day dividers, own / direct / deleted styling, and
// scrolling that follows new messages only when the reader is already at the bottom.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { ChatMessage, JoinResult } from '../../protocol/messages.js';
import { STAFF_ROLES } from '../roomState.js';
import { cls, formatDay, formatFull, formatTime } from '../format.js';
import { RoleBadge } from './common.js';

interface Props {
  messages: ChatMessage[];
  hasMore: boolean;
  self: JoinResult['self'] | null;
  /** Null when paging is not possible right now (offline). */
  onLoadEarlier: (() => Promise<void>) | null;
  onDelete: ((messageId: number) => Promise<void>) | null;
}

/** Messages from one sender closer than this are grouped under one name. */
const GROUP_MS = 5 * 60_000;
/** Within this many pixels of the bottom counts as "reading the latest". */
const STICKY_PX = 80;

export function MessageList({ messages, hasMore, self, onLoadEarlier, onDelete }: Props) {
  const scroller = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  /** Set just before older messages are prepended: keeps the reader's place. */
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const lastId = useRef<number | null>(null);
  const [unseen, setUnseen] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const newest = messages[messages.length - 1];
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (anchor.current) {
      el.scrollTop = el.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = null;
    } else if (newest && newest.messageId !== lastId.current) {
      const mine = newest.from.userId === self?.userId;
      if (atBottom.current || mine || lastId.current === null) {
        el.scrollTop = el.scrollHeight;
        setUnseen(0);
      } else {
        setUnseen((n) => n + 1);
      }
    }
    lastId.current = newest?.messageId ?? null;
  }, [messages, newest, self]);

  const onScroll = () => {
    const el = scroller.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICKY_PX;
    if (atBottom.current && unseen) setUnseen(0);
  };

  const loadEarlier = async () => {
    if (!onLoadEarlier || loading) return;
    const el = scroller.current!;
    setLoading(true);
    setError(null);
    try {
      anchor.current = { height: el.scrollHeight, top: el.scrollTop };
      await onLoadEarlier();
    } catch (e) {
      anchor.current = null;
      setError(e instanceof Error ? e.message : 'Could not load earlier messages.');
    } finally {
      setLoading(false);
    }
  };

  const jumpToLatest = () => {
    const el = scroller.current!;
    el.scrollTop = el.scrollHeight;
    setUnseen(0);
  };

  const canModerate = !!self && STAFF_ROLES.has(self.role) && onDelete !== null;
  let previousDay = '';

  return (
    <div class="messages-wrap">
      <div class="messages" ref={scroller} onScroll={onScroll} tabIndex={0} aria-label="Chat messages">
        <div class="history-edge">
          {hasMore ? (
            <button type="button" class="btn btn-quiet btn-small" onClick={loadEarlier} disabled={!onLoadEarlier || loading} data-testid="load-earlier">
              {loading ? 'Loading…' : 'Load earlier messages'}
            </button>
          ) : messages.length > 0 ? (
            <span class="muted small">This is the beginning of the conversation.</span>
          ) : null}
          {error && <p class="error-text small" role="alert">{error}</p>}
        </div>
        {messages.length === 0 && !hasMore && (
          <div class="empty empty-chat">
            <p>No messages yet.</p>
            <p class="muted">Say hello to the class!</p>
          </div>
        )}
        <ol class="message-list" role="log" aria-live="polite" aria-relevant="additions" data-testid="message-list">
          {messages.map((m, i) => {
            const day = formatDay(m.at);
            const divider = day !== previousDay;
            previousDay = day;
            const prev = messages[i - 1];
            // Consecutive messages from one person, close in time, read as one block.
            const continued =
              !divider && !!prev && prev.from.userId === m.from.userId && prev.to?.userId === m.to?.userId &&
              !prev.deleted && !m.deleted && m.at - prev.at < GROUP_MS;
            return [
              divider ? (
                <li key={`day-${m.messageId}`} class="day-divider" aria-hidden="true">
                  <span>{day}</span>
                </li>
              ) : null,
              <Message key={m.messageId} m={m} continued={continued} selfId={self?.userId ?? null} onDelete={canModerate ? onDelete : null} />,
            ];
          })}
        </ol>
      </div>
      {unseen > 0 && (
        <button type="button" class="jump-latest" onClick={jumpToLatest} data-testid="jump-latest">
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      )}
    </div>
  );
}

function Message({ m, continued, selfId, onDelete }: { m: ChatMessage; continued: boolean; selfId: number | null; onDelete: ((id: number) => Promise<void>) | null }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const own = m.from.userId === selfId;
  const deleted = !!m.deleted;
  const dmLabel = m.to ? `Direct to ${m.to.userId === selfId ? 'you' : m.to.displayName}` : null;

  const remove = async () => {
    if (!onDelete || busy) return;
    setBusy(true);
    setError(null);
    try {
      await onDelete(m.messageId);
    } catch (e) {
      setError(e instanceof Error ? e.message : 'Could not delete the message.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <li
      class={cls('msg', own && 'msg-own', m.to && 'msg-dm', deleted && 'msg-deleted', continued && 'msg-continued')}
      data-testid="message"
      data-message-id={m.messageId}
      data-seq={m.seq}
    >
      <div class="msg-bubble">
        <div class="msg-meta">
          <span class="msg-author" data-testid="message-author">{own ? 'You' : m.from.displayName}</span>
          {!own && m.from.role !== 'student' && <RoleBadge role={m.from.role} small />}
          <time class="msg-time" dateTime={new Date(m.at).toISOString()} title={formatFull(m.at)}>
            {formatTime(m.at)}
          </time>
        </div>
        {dmLabel && (
          <div class="msg-dm-label" data-testid="message-dm">
            {dmLabel}
          </div>
        )}
        {deleted ? (
          <p class="msg-text msg-text-deleted" data-testid="message-text">Message deleted</p>
        ) : (
          <p class="msg-text" data-testid="message-text">{m.text}</p>
        )}
      </div>
      {onDelete && !deleted && (
        <div class="msg-actions">
          <button type="button" class="msg-delete" onClick={remove} disabled={busy} aria-label={`Delete message from ${m.from.displayName}`} data-testid="delete-message">
            {busy ? 'Deleting…' : 'Delete'}
          </button>
          {error && <p class="error-text small" role="alert">{error}</p>}
        </div>
      )}
    </li>
  );
}
