// Entry point: who is signed in, which screen to show.
import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Me } from './api.js';
import { navigate, useRoute } from './router.js';
import { LoginScreen } from './components/LoginScreen.js';
import { RoomsScreen } from './components/RoomsScreen.js';
import { InviteScreen } from './components/InviteScreen.js';
import { Classroom } from './components/Classroom.js';
import { CenteredCard, FullPageMessage } from './components/common.js';

type Auth = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'signedOut' } | { kind: 'signedIn'; me: Me };

function App() {
  const route = useRoute();
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });

  const loadMe = useCallback(() => {
    setAuth({ kind: 'loading' });
    api.me().then(
      (me) => setAuth(me ? { kind: 'signedIn', me } : { kind: 'signedOut' }),
      (e: unknown) => setAuth({ kind: 'error', message: e instanceof ApiError ? e.message : 'Something went wrong.' }),
    );
  }, []);
  useEffect(loadMe, [loadMe]);

  const signOut = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      /* the cookie may already be gone: sign out locally anyway */
    }
    setAuth({ kind: 'signedOut' });
    navigate('/login');
  }, []);

  // Redirects that depend on who is signed in.
  useEffect(() => {
    if (auth.kind === 'signedOut' && (route.name === 'rooms' || route.name === 'room')) {
      navigate(`/login?next=${encodeURIComponent(location.pathname)}`, { replace: true });
    } else if (auth.kind === 'signedIn') {
      const guestRoom = auth.me.roomId;
      if (route.name === 'login') navigate(route.next, { replace: true });
      else if (route.name === 'rooms' && guestRoom) navigate(`/room/${guestRoom}`, { replace: true });
    }
  }, [auth, route]);

  if (route.name === 'join') {
    return <InviteScreen code={route.code} onJoined={(me) => { setAuth({ kind: 'signedIn', me }); navigate(`/room/${me.roomId}`); }} />;
  }
  if (route.name === 'notFound') {
    return <FullPageMessage title="Page not found" message="There is nothing at this address." action={{ label: 'Go to my rooms', href: '/' }} />;
  }
  if (auth.kind === 'loading') return <CenteredCard><p class="muted" role="status">Loading…</p></CenteredCard>;
  if (auth.kind === 'error') {
    return <FullPageMessage title="Cannot reach the classroom" message={auth.message} action={{ label: 'Try again', onClick: loadMe }} />;
  }
  if (route.name === 'login' || auth.kind === 'signedOut') {
    return <LoginScreen onSignedIn={(me) => setAuth({ kind: 'signedIn', me })} />;
  }
  if (route.name === 'rooms') return <RoomsScreen me={auth.me} onSignOut={signOut} />;
  // One classroom screen for every room: breakout moves change the room (and the address)
  // on the same connection, without a remount.
  return <Classroom key="classroom" roomId={route.roomId} me={auth.me} onSignOut={signOut} />;
}

render(<App />, document.getElementById('app')!);
