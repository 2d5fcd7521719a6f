// Media in components: the controller (with mediasoup-client) is loaded on demand, so the
// first paint of the classroom does not wait for it; components read its snapshot.
import { createContext } from 'preact';
import { useContext, useEffect, useReducer, useState } from 'preact/hooks';
import type { RoomSession } from '../roomSession.js';
import type { MediaController, MediaSnapshot } from './MediaController.js';

export const MediaContext = createContext<MediaController | null>(null);

export function useMediaController(session: RoomSession): MediaController | null {
  const [controller, setController] = useState<MediaController | null>(null);
  useEffect(() => {
    let alive = true;
    let made: MediaController | null = null;
    import('./MediaController.js').then((m) => {
      if (!alive) return;
      made = new m.MediaController(session);
      made.attach();
      setController(made);
    }, () => { /* offline while loading: the page works without media */ });
    return () => {
      alive = false;
      made?.close();
    };
  }, [session]);
  return controller;
}

/** The controller of the nearest MediaContext and its current snapshot (null until loaded). */
export function useMedia(): [MediaController | null, MediaSnapshot | null] {
  const controller = useContext(MediaContext);
  const [, bump] = useReducer((n: number, _: null) => n + 1, 0);
  useEffect(() => controller?.subscribe(() => bump(null)), [controller]);
  return [controller, controller?.getSnapshot() ?? null];
}
