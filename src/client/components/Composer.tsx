// Writing a message: recipient selector (Everyone or a direct message), Enter to send,
// Shift+Enter for a new line, a counter near the limit, and an inline error on failure.
// The draft is only cleared once the server confirms; offline, Send is disabled with a hint
// and the draft stays (also across a reload, in sessionStorage).
import { useEffect, useRef, useState } from 'preact/hooks';
import { Limits } from '../../protocol/constants.js';
import type { ParticipantInfo } from '../../protocol/messages.js';
import { NOT_CONNECTED, RequestError, TIMEOUT } from '../connection.js';
import { ROLE_LABEL, cls } from '../format.js';

interface Props {
  roomId: string;
  connected: boolean;
  /** Why sending is impossible for good (room ended), or null. */
  disabledReason: string | null;
  recipients: ParticipantInfo[];
  onSend: (text: string, to: number | undefined) => Promise<unknown>;
}

/** The counter appears when fewer than this many characters are left. */
const COUNTER_FROM = 500;
const MAX_ROWS = 8;

const draftKey = (roomId: string) => `classroom:draft:${roomId}`;

function readDraft(roomId: string): string {
  try {
    return sessionStorage.getItem(draftKey(roomId)) ?? '';
  } catch {
    return '';
  }
}

export function Composer({ roomId, connected, disabledReason, recipients, onSend }: Props) {
  const [draft, setDraft] = useState(() => readDraft(roomId));
  const [to, setTo] = useState<number | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    try {
      if (draft) sessionStorage.setItem(draftKey(roomId), draft);
      else sessionStorage.removeItem(draftKey(roomId));
    } catch {
      /* storage unavailable: the draft still lives in memory */
    }
  }, [roomId, draft]);

  // A chosen recipient who left stays selected (marked), never silently switched to Everyone:
  // a private message must not become public by accident.
  const chosen = to === null ? null : recipients.find((p) => p.userId === to) ?? null;

  const text = draft.trim();
  const left = Limits.chatTextLength - draft.length;
  const tooLong = left < 0;
  const canSend = connected && !disabledReason && !sending && text.length > 0 && !tooLong;

  const send = async () => {
    if (!canSend) return;
    setSending(true);
    setError(null);
    const sent = draft;
    try {
      await onSend(text, to ?? undefined);
      // Keep anything typed while the request was in flight.
      setDraft((current) => (current === sent ? '' : current));
    } catch (e) {
      setError(describeSendError(e));
    } finally {
      setSending(false);
      input.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  const rows = Math.min(MAX_ROWS, Math.max(2, draft.split('\n').length));
  const hintId = 'composer-hint';
  const counterId = 'composer-counter';

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      data-testid="composer"
    >
      {error && (
        <p class="composer-error" role="alert" data-testid="send-error">
          {error}
        </p>
      )}
      {disabledReason && connected && (
        <p class="composer-note" role="status" data-testid="composer-disabled">
          {disabledReason}
        </p>
      )}
      {!connected && !disabledReason && (
        <p class="composer-offline" role="status" data-testid="offline-hint">
          Not connected — your message is kept here; send it once you are reconnected.
        </p>
      )}
      <div class="composer-to">
        <label for="composer-recipient">To</label>
        <select
          id="composer-recipient"
          value={to === null ? 'all' : String(to)}
          onChange={(e) => {
            const v = e.currentTarget.value;
            setTo(v === 'all' ? null : Number(v));
          }}
          disabled={!!disabledReason}
          data-testid="recipient"
        >
          <option value="all">Everyone</option>
          {recipients.map((p) => (
            <option key={p.userId} value={String(p.userId)}>
              {p.displayName} ({ROLE_LABEL[p.role]}) — direct message
            </option>
          ))}
          {to !== null && !chosen && <option value={String(to)}>Someone who left — direct message</option>}
        </select>
      </div>
      <div class={cls('composer-box', to !== null && 'composer-box-dm')}>
        <label for="composer-input" class="visually-hidden">
          {to === null ? 'Message to everyone' : `Direct message to ${chosen?.displayName ?? 'someone who left'}`}
        </label>
        <textarea
          id="composer-input"
          ref={input}
          rows={rows}
          value={draft}
          placeholder={disabledReason ?? (to === null ? 'Write a message to everyone…' : `Write privately to ${chosen?.displayName ?? 'someone who left'}…`)}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          disabled={!!disabledReason}
          aria-describedby={`${hintId} ${counterId}`}
          aria-invalid={tooLong}
          data-testid="composer-input"
        />
        <button type="submit" class="btn btn-primary composer-send" disabled={!canSend} data-testid="send">
          {sending ? 'Sending…' : 'Send'}
        </button>
      </div>
      <div class="composer-foot">
        <span id={hintId} class="muted small">
          Enter to send · Shift+Enter for a new line
        </span>
        <span id={counterId} class={cls('small', 'counter', tooLong && 'counter-over')} aria-live="polite" data-testid="char-counter">
          {left < COUNTER_FROM ? (tooLong ? `${-left} characters over the limit` : `${left} characters left`) : ''}
        </span>
      </div>
    </form>
  );
}

function describeSendError(e: unknown): string {
  if (e instanceof RequestError && (e.code === NOT_CONNECTED || e.code === TIMEOUT)) {
    // The server may have stored it: the replay after reconnecting will show it if so.
    return 'The connection dropped before the server confirmed this message. Check the chat before sending it again.';
  }
  return e instanceof Error ? `Not sent: ${e.message}` : 'Not sent. Try again.';
}
