// What every class-management component needs, without threading it through each level:
// the session (to send requests), the room state, and whether requests can go out now.
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { RoomSession } from '../../roomSession.js';
import type { RoomState } from '../../roomState.js';

export interface ClassCtx {
  session: RoomSession;
  room: RoomState;
  connected: boolean;
}

export const ClassContext = createContext<ClassCtx | null>(null);

export function useClass(): ClassCtx {
  const c = useContext(ClassContext);
  if (!c) throw new Error('useClass outside ClassContext');
  return c;
}

/**
 * Runs one request at a time for a control: `busy` while it is in flight, the server's
 * sentence in `error` if it is refused (cleared by the next attempt).
 */
export function useAction(): { busy: boolean; error: string | null; run: (f: () => Promise<unknown>) => Promise<boolean>; clear: () => void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const alive = useRef(true);
  useEffect(() => () => void (alive.current = false), []);
  const run = async (f: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
      return true;
    } catch (e) {
      if (alive.current) setError(e instanceof Error ? e.message : 'Something went wrong. Try again.');
      return false;
    } finally {
      if (alive.current) setBusy(false);
    }
  };
  return { busy, error, run, clear: () => setError(null) };
}

/**
 * Switches and checkboxes bound to server state: while a change is in flight they show the
 * value asked for (instead of snapping back until the event arrives), then the server's.
 */
export function useToggles() {
  const act = useAction();
  const [asked, setAsked] = useState<{ key: string; value: boolean } | null>(null);
  return {
    ...act,
    shown: (key: string, actual: boolean) => (asked && asked.key === key ? asked.value : actual),
    toggle: async (key: string, value: boolean, send: () => Promise<unknown>) => {
      setAsked({ key, value });
      await act.run(send);
      setAsked(null);
    },
  };
}

/** Re-renders every `ms` while `active` (countdowns). */
export function useNow(active: boolean, ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [active, ms]);
  return now;
}
