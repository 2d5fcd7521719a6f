// Binds a RoomSession to a component: created once per classroom screen, started on mount,
// closed on unmount. The address bar follows the session's room (a breakout move or a visit
// replaces it, so a reload opens the room you are in), and an address change the session did
// not cause takes the session there.
import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { CloseCode } from '../protocol/errors.js';
import { api } from './api.js';
import { navigate } from './router.js';
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
  const [session] = useState(() => new RoomSession({ roomId, url: wsUrl(), checkSession }));
  const [, bump] = useReducer((n: number, _: null) => n + 1, 0);
  useEffect(() => {
    const unsubscribe = session.subscribe(() => bump(null));
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

  const snapshot = session.getSnapshot();
  /** The room last written to (or read from) the address bar. */
  const routed = useRef(roomId);
  useEffect(() => {
    if (snapshot.roomId === routed.current) return;
    routed.current = snapshot.roomId;
    navigate(`/room/${snapshot.roomId}`, { replace: true });
  }, [snapshot.roomId]);
  useEffect(() => {
    if (roomId === routed.current) return;
    routed.current = roomId;
    session.visit(roomId).catch(() => {
      /* not connected: the address bar and the room disagree until the next move */
    });
  }, [roomId, session]);
  return [session, snapshot];
}
