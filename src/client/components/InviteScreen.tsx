// An invite link: shows the room and role, asks for a display name, and signs in as a guest.
import { useEffect, useState } from 'preact/hooks';
import { Limits } from '../../protocol/constants.js';
import { api, ApiError, type InvitePreview, type Me } from '../api.js';
import { ROLE_LABEL } from '../format.js';
import { Brand, ErrorText, useScreen } from './common.js';

type Load = { kind: 'loading' } | { kind: 'invalid'; message: string } | { kind: 'ready'; invite: InvitePreview };

export function InviteScreen({ code, onJoined }: { code: string; onJoined: (me: Me) => void }) {
  const [load, setLoad] = useState<Load>({ kind: 'loading' });
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const heading = useScreen(load.kind === 'ready' ? `Join ${load.invite.roomTitle}` : 'Invitation');

  useEffect(() => {
    api.invite(code).then(
      (invite) => setLoad({ kind: 'ready', invite }),
      (e: unknown) => setLoad({ kind: 'invalid', message: e instanceof ApiError ? e.message : 'This invitation cannot be used.' }),
    );
  }, [code]);

  const submit = async (e: Event) => {
    e.preventDefault();
    const displayName = name.trim().replace(/\s+/g, ' ');
    if (busy || !displayName) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.redeem(code, displayName);
      onJoined({ user: r.user, roomId: r.roomId });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Try again.');
      setBusy(false);
    }
  };

  return (
    <main class="centered">
      <div class="card card-narrow" data-testid="invite">
        <div class="card-brand"><Brand /></div>
        {load.kind === 'loading' && <p class="muted" role="status">Checking your invitation…</p>}
        {load.kind === 'invalid' && (
          <>
            <h1 tabIndex={-1} ref={heading}>Invitation not valid</h1>
            <ErrorText message={load.message} testid="invite-error" />
            <p class="muted">Ask your teacher for a new link.</p>
          </>
        )}
        {load.kind === 'ready' && (
          <>
            <p class="eyebrow">You are invited to</p>
            <h1 tabIndex={-1} ref={heading} data-testid="invite-room">{load.invite.roomTitle}</h1>
            <p class="muted">You will join as {article(ROLE_LABEL[load.invite.role])} <strong>{ROLE_LABEL[load.invite.role].toLowerCase()}</strong>.</p>
            <form class="form" onSubmit={submit} noValidate>
              <div class="field">
                <label for="display-name">Your name</label>
                <input
                  id="display-name"
                  autoComplete="name"
                  maxLength={Limits.displayNameLength}
                  required
                  value={name}
                  onInput={(e) => setName(e.currentTarget.value)}
                  aria-describedby="display-name-help"
                  data-testid="invite-name"
                />
                <p class="field-help" id="display-name-help">This is how others in the room will see you.</p>
              </div>
              <ErrorText message={error} testid="invite-join-error" />
              <button type="submit" class="btn btn-primary btn-block" disabled={busy || !name.trim()} data-testid="invite-join">
                {busy ? 'Joining…' : 'Join'}
              </button>
            </form>
          </>
        )}
      </div>
    </main>
  );
}

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');
