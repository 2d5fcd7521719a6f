// Whole-body screens of the classroom: the waiting room, and the final screens after a
// teacher removed or declined someone or ended the class. And the breakout banner.
import { CloseCode } from '../../../protocol/errors.js';
import { formatCountdown, groupLabel } from '../../classView.js';
import { Link } from '../common.js';
import { useAction, useClass, useNow } from './context.js';
import { DoneIcon, LeaveIcon } from './icons.js';

export function WaitingScreen({ title }: { title: string }) {
  return (
    <main class="class-screen" data-testid="waiting-screen">
      <div class="card card-narrow class-screen-card">
        <span class="spinner spinner-accent" aria-hidden="true" />
        <h2>Waiting for the teacher to let you in…</h2>
        <p class="muted">
          You are in the waiting room of <strong>{title}</strong>. This page opens the class by itself once you are admitted: keep it open.
        </p>
      </div>
    </main>
  );
}

/** Close codes that end with a screen of their own instead of a banner over the chat. */
export const FINAL_SCREEN_CODES: ReadonlySet<number> = new Set([CloseCode.REMOVED, CloseCode.DENIED, CloseCode.CLASS_ENDED]);

export function FinalScreen({ code, title, detail, guest }: { code: number; title: string; detail: string | null; guest: boolean }) {
  const ended = code === CloseCode.CLASS_ENDED;
  const next =
    ended
      ? 'You can come back when the teacher starts the next class.'
      : code === CloseCode.DENIED
        ? 'If you think this is a mistake, contact your teacher.'
        : null;
  return (
    <main class="class-screen" data-testid="final-screen" data-code={code}>
      <div class="card card-narrow class-screen-card" role="alert">
        {ended ? <DoneIcon size={40} class="class-screen-icon" /> : <LeaveIcon size={40} class="class-screen-icon class-screen-icon-out" />}
        <h2 data-testid="final-title">{title}</h2>
        {detail && <p data-testid="final-detail">{detail}</p>}
        {next && <p class="muted">{next}</p>}
        {!guest && (
          <Link href="/" class="btn btn-primary">
            Back to my rooms
          </Link>
        )}
      </div>
    </main>
  );
}

/** In a breakout group room: which group, the countdown, and (staff) the way back. */
export function BreakoutBanner({ endsAt, staff }: { endsAt: number | null; staff: boolean }) {
  const { session, room, connected } = useClass();
  const now = useNow(endsAt !== null);
  const back = useAction();
  const parent = room.parentRoomId;
  if (!parent || !room.room) return null;
  const group = groupLabel(room.room.title);
  return (
    <div class="banner banner-info" role="status" data-testid="breakout-banner">
      <span class="banner-text">
        <strong>{staff ? `Visiting ${group}` : `You are in ${group}`}</strong>
        {endsAt !== null && <span data-testid="breakout-ends"> — ends in {formatCountdown(endsAt, now)}</span>}
        {!staff && <span class="banner-detail muted-inline"> · You go back to the class room when the teacher recalls everyone.</span>}
      </span>
      {back.error && <span class="error-text small">{back.error}</span>}
      {staff && (
        <button type="button" class="btn btn-primary btn-small" disabled={!connected || back.busy} onClick={() => back.run(() => session.visit(parent))} data-testid="back-to-class">
          Back to class
        </button>
      )}
    </div>
  );
}
