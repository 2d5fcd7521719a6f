// Binds a RoomSession to a component: created per room, started on mount, closed on unmount.
import { useEffect, useMemo, useReducer } from 'preact/hooks';
import { CloseCode } from '../protocol/errors.js';
import { api } from './api.js';
import { RoomSession, type SessionSnapshot } from './roomSession.js';

export function wsUrl(): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;
}

/** After a socket fails to open: is the cookie still good? (A refused upgrade looks like a network error.) */
async function checkSession() {
  try {
    return (await api.me()) ? null : { code: CloseCode.SESSION_REVOKED, reason: '' };
  } catch {
    return null; // unreachable server: keep retrying
  }
}

export function useRoomSession(roomId: string): [RoomSession, SessionSnapshot] {
  const session = useMemo(() => new RoomSession({ roomId, url: wsUrl(), checkSession }), [roomId]);
  const [, bump] = useReducer((n: number, _: null) => n + 1, 0);
  const rerender = () => bump(null);
  useEffect(() => {
    const unsubscribe = session.subscribe(rerender);
    session.start();
    // Back online: skip the rest of the backoff.
    const online = () => session.retryNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      unsubscribe();
      session.close();
    };
  }, [session]);
  return [session, session.getSnapshot()];
}
