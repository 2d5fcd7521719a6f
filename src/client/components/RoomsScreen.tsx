// The rooms the signed-in user is enrolled in, with their role and who is online.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, type Me, type RoomSummary } from '../api.js';
import { Brand, ErrorText, Link, RoleBadge, UserMenu, useScreen } from './common.js';

type Load = { kind: 'loading' } | { kind: 'error'; message: string } | { kind: 'ready'; rooms: RoomSummary[] };

export function RoomsScreen({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const heading = useScreen('My rooms');
  const [load, setLoad] = useState<Load>({ kind: 'loading' });

  const refresh = useCallback(() => {
    api.rooms().then(
      (r) => setLoad({ kind: 'ready', rooms: r.rooms }),
      (e: unknown) => {
        // The session ended meanwhile: start over at sign-in.
        if (e instanceof ApiError && e.status === 401) location.assign('/login');
        else setLoad({ kind: 'error', message: e instanceof ApiError ? e.message : 'Could not load your rooms.' });
      },
    );
  }, []);
  useEffect(refresh, [refresh]);

  return (
    <div class="page">
      <header class="topbar">
        <Brand />
        <UserMenu me={me} onSignOut={onSignOut} />
      </header>
      <main class="content">
        <div class="content-head">
          <h1 tabIndex={-1} ref={heading}>My rooms</h1>
          <button type="button" class="btn btn-quiet" onClick={refresh}>Refresh</button>
        </div>
        {load.kind === 'loading' && <p class="muted" role="status">Loading your rooms…</p>}
        {load.kind === 'error' && <ErrorText message={load.message} />}
        {load.kind === 'ready' && load.rooms.length === 0 && (
          <div class="empty">
            <p>You are not in any rooms yet.</p>
            <p class="muted">Ask your teacher or school administrator to add you to a class.</p>
          </div>
        )}
        {load.kind === 'ready' && load.rooms.length > 0 && (
          <ul class="room-list" data-testid="room-list">
            {load.rooms.map((r) => (
              <li key={r.id}>
                <RoomCard room={r} />
              </li>
            ))}
          </ul>
        )}
      </main>
    </div>
  );
}

function RoomCard({ room }: { room: RoomSummary }) {
  const closed = room.status === 'closed';
  const body = (
    <>
      <span class="room-title">{room.title}</span>
      <span class="room-meta">
        <RoleBadge role={room.role} small />
        {closed ? (
          <span class="chip">Closed</span>
        ) : (
          <span class={room.online > 0 ? 'online online-active' : 'online'}>
            <span class="dot" aria-hidden="true" />
            {room.online} online
          </span>
        )}
      </span>
    </>
  );
  if (closed) {
    return <div class="room-card room-card-closed" data-testid={`room-${room.id}`}>{body}</div>;
  }
  return (
    <Link href={`/room/${room.id}`} class="room-card" data-testid={`room-${room.id}`}>
      {body}
    </Link>
  );
}
