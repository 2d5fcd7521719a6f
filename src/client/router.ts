// Client-side routing by location.pathname: a route union, navigate() with history.pushState,
// and a hook that re-renders on navigation. The server serves index.html for these paths.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { name: 'login'; next: string }
  | { name: 'rooms' }
  | { name: 'room'; roomId: string }
  | { name: 'join'; code: string }
  | { name: 'notFound' };

export function parseRoute(pathname: string, search: string): Route {
  if (pathname === '/' || pathname === '/rooms') return { name: 'rooms' };
  if (pathname === '/login') return { name: 'login', next: safeNext(new URLSearchParams(search).get('next')) };
  let m = /^\/room\/([a-z0-9]{1,32})$/.exec(pathname);
  if (m) return { name: 'room', roomId: m[1]! };
  m = /^\/join\/([A-Za-z0-9_-]{1,128})$/.exec(pathname);
  if (m) return { name: 'join', code: m[1]! };
  return { name: 'notFound' };
}

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeNext(next: string | null): string {
  return next && /^\/(?!\/)[\w\-/]*$/.test(next) ? next : '/';
}

const NAVIGATED = 'classroom:navigate';

export function navigate(path: string, o: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return;
  if (o.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

export function useRoute(): Route {
  const read = () => parseRoute(location.pathname, location.search);
  const [route, setRoute] = useState<Route>(read);
  useEffect(() => {
    const update = () => setRoute(read());
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATED, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATED, update);
    };
  }, []);
  return route;
}

/** Left clicks on internal links navigate without a page load; modified clicks behave normally. */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || a.origin !== location.origin) return;
  e.preventDefault();
  navigate(a.pathname + a.search);
}
