// Sign in with a username and password. The server sets the session cookie.
import { useRef, useState } from 'preact/hooks';
import { api, ApiError, type Me } from '../api.js';
import { Brand, ErrorText, useScreen } from './common.js';

export function LoginScreen({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const heading = useScreen('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const passwordInput = useRef<HTMLInputElement>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const r = await api.login(username.trim(), password);
      onSignedIn({ user: r.user, roomId: null });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Something went wrong. Try again.');
      setPassword('');
      setBusy(false);
      passwordInput.current?.focus();
    }
  };

  return (
    <main class="centered">
      <div class="card card-narrow">
        <div class="card-brand"><Brand /></div>
        <h1 tabIndex={-1} ref={heading}>Sign in</h1>
        <p class="muted">Use the account your school gave you.</p>
        <form class="form" onSubmit={submit} data-testid="login-form" noValidate>
          <div class="field">
            <label for="username">Username</label>
            <input
              id="username"
              name="username"
              autoComplete="username"
              autoCapitalize="none"
              spellcheck={false}
              required
              value={username}
              onInput={(e) => setUsername(e.currentTarget.value)}
              data-testid="login-username"
            />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input
              id="password"
              ref={passwordInput}
              name="password"
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              data-testid="login-password"
            />
          </div>
          <ErrorText message={error} testid="login-error" />
          <button type="submit" class="btn btn-primary btn-block" disabled={busy || !username.trim() || !password} data-testid="login-submit">
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
