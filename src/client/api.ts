// The HTTP side: sign-in, the room list, invites. The session is an HttpOnly cookie set by
// the server; this code never sees or stores a token.
import type { ParticipantRole, RoomRole } from '../protocol/messages.js';

export interface User {
  id: number;
  username: string | null;
  displayName: string;
  role: 'admin' | 'teacher' | 'student' | 'guest';
}

export interface Me {
  user: User;
  /** Set for invite guests: the one room they may open. */
  roomId: string | null;
}

export interface RoomSummary {
  id: string;
  title: string;
  capacity: number;
  status: 'open' | 'closed';
  role: ParticipantRole;
  online: number;
}

export interface InvitePreview {
  roomId: string;
  roomTitle: string;
  role: RoomRole;
}

/** A refusal from the API (with the server's sentence) or a network failure (status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Could not reach the server. Check your connection and try again.');
  }
  if (res.status === 204) return undefined as T;
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    /* not JSON: handled below */
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `The server answered ${res.status}.`);
  }
  return data as T;
}

export const api = {
  login: (username: string, password: string) =>
    call<{ user: User; expiresAt: number }>('POST', '/api/login', { username, password }),
  logout: () => call<void>('POST', '/api/logout'),
  /** The signed-in user, or null when there is no valid session. */
  me: async (): Promise<Me | null> => {
    try {
      return await call<Me>('GET', '/api/me');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  rooms: () => call<{ rooms: RoomSummary[] }>('GET', '/api/rooms'),
  invite: (code: string) => call<InvitePreview>('GET', `/api/invites/${encodeURIComponent(code)}`),
  redeem: (code: string, displayName: string) =>
    call<{ user: User; roomId: string }>('POST', `/api/invites/${encodeURIComponent(code)}/redeem`, { displayName }),
};
