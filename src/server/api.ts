// The small HTTP API beside the WebSocket: sign-in, invites, the room list, and the admin
// endpoints the CLI calls (authorised by the installation's control token).
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../errors.js';
import { hashToken, verifyPassword } from '../auth/secrets.js';
import { clearedSessionCookie, sessionCookie, tokenOf } from '../auth/cookies.js';
import type { SessionInfo, User } from '../auth/UserStore.js';
import type { ParticipantRole } from '../protocol/messages.js';
import { capsOf } from '../protocol/classState.js';
import { isPdf, type Asset } from '../whiteboard/assets.js';
import { renderBoardPdf } from '../whiteboard/pdfThread.js';
import type { Services } from '../rooms/types.js';
import { WindowCounter } from './RateLimiter.js';
import type { Gateway } from './gateway.js';

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is (an uploaded file) instead of JSON. */
  bytes?: Buffer;
}

export class HttpError extends UserError {
  constructor(readonly status: number, code: string, message: string, readonly headers: Record<string, string> = {}) {
    super(code, message);
  }
}

const LoginBody = z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });
const RedeemBody = z.strictObject({ displayName: z.string().min(1).max(120) });

const publicUser = (u: User) => ({ id: u.id, username: u.username, displayName: u.displayName, role: u.role });

export interface ApiRequest {
  method: string;
  path: string;
  req: IncomingMessage;
  body: () => Promise<unknown>;
  /** The raw body, refused with 413 past `limit` bytes. */
  raw: (limit: number) => Promise<Buffer>;
  secure: boolean;
  remote: string;
}

export class Api {
  readonly #accountFailures: WindowCounter;
  readonly #addressAttempts: WindowCounter;
  readonly #controlHash: Buffer;

  constructor(
    private readonly s: Services,
    private readonly gateway: Gateway,
    controlToken: string,
  ) {
    const windowMs = s.config.auth.loginWindowMinutes * 60_000;
    this.#accountFailures = new WindowCounter(windowMs);
    this.#addressAttempts = new WindowCounter(windowMs);
    this.#controlHash = hashToken(controlToken);
  }

  /** Routes one /api request; throws HttpError/UserError for refusals. */
  async handle(r: ApiRequest): Promise<ApiResponse> {
    const { method, path } = r;
    if (method === 'POST' && path === '/api/login') return this.#login(r);
    if (method === 'POST' && path === '/api/logout') return this.#logout(r);
    if (method === 'GET' && path === '/api/me') {
      const s = this.#session(r);
      return { status: 200, body: { user: publicUser(s.user), roomId: s.roomId, expiresAt: s.expiresAt } };
    }
    if (method === 'GET' && path === '/api/rooms') return this.#rooms(r);
    let m = /^\/api\/invites\/([A-Za-z0-9_-]{1,128})(\/redeem)?$/.exec(path);
    if (m) {
      if (method === 'GET' && !m[2]) {
        const i = this.s.rooms.peekInvite(m[1]!);
        return { status: 200, body: { roomId: i.roomId, roomTitle: i.roomTitle, role: i.role } };
      }
      if (method === 'POST' && m[2]) return this.#redeem(r, m[1]!);
    }
    m = /^\/api\/rooms\/([a-z0-9]{4,32})\/board\.pdf$/.exec(path);
    if (m && method === 'GET') return this.#boardPdf(r, m[1]!);
    m = /^\/api\/rooms\/([a-z0-9]{4,32})\/assets(?:\/([A-Za-z0-9_-]{1,40}))?$/.exec(path);
    if (m) {
      if (method === 'POST' && !m[2]) return this.#upload(r, m[1]!);
      if (method === 'GET' && m[2]) return this.#download(r, m[1]!, m[2]);
    }
    m = /^\/api\/admin\/(users|rooms)\/([a-z0-9]{1,32})\/(disconnect|close)$/.exec(path);
    if (m && method === 'POST') {
      this.#requireControl(r);
      if (m[1] === 'users' && m[3] === 'disconnect') return { status: 200, body: { disconnected: this.gateway.disconnectUser(Number(m[2])) } };
      if (m[1] === 'rooms' && m[3] === 'close') return { status: 200, body: { disconnected: this.gateway.closeRoom(m[2]!) } };
    }
    if (method === 'GET' && path === '/api/admin/status') {
      this.#requireControl(r);
      return { status: 200, body: { connections: this.gateway.size, rooms: [...this.s.live.all()].map((x) => ({ id: x.id, participants: x.size })) } };
    }
    if (method === 'GET' && path === '/api/admin/media') {
      this.#requireControl(r);
      return { status: 200, body: this.s.media.describe() };
    }
    throw new HttpError(404, 'NOT_FOUND', `No API endpoint ${method} ${path}.`);
  }

  #session(r: ApiRequest): SessionInfo {
    const token = tokenOf(r.req.headers);
    const s = token ? this.s.users.resolveSession(token) : null;
    if (!s) throw new HttpError(401, 'UNAUTHENTICATED', 'Sign in first.');
    return s;
  }

  async #login(r: ApiRequest): Promise<ApiResponse> {
    const body = LoginBody.safeParse(await r.body());
    if (!body.success) throw new HttpError(400, 'BAD_REQUEST', 'Send {"username": …, "password": …}.');
    const { username, password } = body.data;
    const { maxAttemptsPerAddress, maxFailuresPerAccount } = this.s.config.auth;
    const account = username.toLowerCase();
    const limited = (key: WindowCounter, k: string) => {
      const secs = Math.ceil(key.retryAfterMs(k) / 1000);
      return new HttpError(429, 'RATE_LIMITED', `Too many sign-in attempts; try again in ${secs} seconds.`, { 'retry-after': String(secs) });
    };
    if (this.#addressAttempts.count(r.remote) >= maxAttemptsPerAddress) throw limited(this.#addressAttempts, r.remote);
    if (this.#accountFailures.count(account) >= maxFailuresPerAccount) throw limited(this.#accountFailures, account);
    this.#addressAttempts.add(r.remote);
    const cred = this.s.users.credentials(username);
    const ok = await verifyPassword(password, cred?.passwordHash ?? null);
    if (!ok || !cred || cred.user.disabled) {
      this.#accountFailures.add(account);
      throw new HttpError(401, 'INVALID_CREDENTIALS', 'Wrong username or password.');
    }
    this.#accountFailures.clear(account);
    return this.#issue(cred.user, null, r.secure);
  }

  #issue(user: User, roomId: string | null, secure: boolean): ApiResponse {
    const ttlMs = this.s.config.auth.sessionTtlHours * 3_600_000;
    const { token, expiresAt } = this.s.users.createSession(user.id, ttlMs, roomId);
    return {
      status: 200,
      body: { token, expiresAt, user: publicUser(user), roomId },
      headers: { 'set-cookie': sessionCookie(token, Math.floor(ttlMs / 1000), secure) },
    };
  }

  #logout(r: ApiRequest): ApiResponse {
    const token = tokenOf(r.req.headers);
    if (token) {
      const s = this.s.users.resolveSession(token);
      this.s.users.revokeSession(token);
      if (s) this.gateway.revalidate();
    }
    return { status: 204, headers: { 'set-cookie': clearedSessionCookie(r.secure) } };
  }

  #rooms(r: ApiRequest): ApiResponse {
    const s = this.#session(r);
    const { rooms, live } = this.s;
    let list: Array<{ id: string; title: string; capacity: number; status: string; role: string }>;
    if (s.user.role === 'admin') list = rooms.list().map((x) => ({ ...x, role: 'admin' }));
    else list = rooms.forUser(s.user.id).map((x) => ({ ...x, role: x.myRole }));
    if (s.roomId) list = list.filter((x) => x.id === s.roomId);
    return {
      status: 200,
      body: { rooms: list.map((x) => ({ id: x.id, title: x.title, capacity: x.capacity, status: x.status, role: x.role, online: live.online(x.id) })) },
    };
  }

  async #redeem(r: ApiRequest, code: string): Promise<ApiResponse> {
    const body = RedeemBody.safeParse(await r.body());
    if (!body.success) throw new HttpError(400, 'BAD_REQUEST', 'Send {"displayName": …}.');
    const { rooms, users } = this.s;
    // One transaction: the use is counted, the guest created and enrolled, or nothing is.
    const guest = rooms.transaction(() => {
      const invite = rooms.peekInvite(code);
      const user = users.createGuest(body.data.displayName);
      rooms.useInvite(invite.inviteId);
      rooms.enroll(invite.roomId, user.id, invite.role);
      return { user, roomId: invite.roomId };
    });
    return this.#issue(guest.user, guest.roomId, r.secure);
  }

  /** A participant of the room (or of the class room a breakout group belongs to). */
  #participant(r: ApiRequest, roomId: string): { user: User; role: ParticipantRole } {
    const s = this.#session(r);
    const room = this.s.rooms.get(roomId);
    if (!room) throw new HttpError(404, 'ROOM_NOT_FOUND', `No room with id "${roomId}".`);
    if (s.roomId && s.roomId !== room.id && s.roomId !== room.parentId) throw new HttpError(403, 'FORBIDDEN', 'Your invite opens a different room.');
    const role: ParticipantRole | undefined = s.user.role === 'admin' ? 'admin' : this.s.rooms.roleOf(room.id, s.user.id);
    if (!role) throw new HttpError(403, 'FORBIDDEN', 'You are not enrolled in this room.');
    return { user: s.user, role };
  }

  async #upload(r: ApiRequest, roomId: string): Promise<ApiResponse> {
    const { user, role } = this.#participant(r, roomId);
    const state = this.s.live.get(roomId)?.classState ?? this.s.classes.load(roomId);
    if (!capsOf(state, user.id, role).draw) throw new HttpError(403, 'FORBIDDEN', 'You may not draw on this board, so you cannot add images to it.');
    const body = await r.raw(this.s.config.whiteboard.maxUploadBytes);
    const describe = (a: Asset) => ({ assetId: a.id, mime: a.mime, bytes: a.bytes, width: a.width, height: a.height });
    if (isPdf(body)) {
      const pages = await this.s.assets.savePdf(roomId, body, user.id);
      return { status: 200, body: { pdf: true, pages: pages.map(describe) } };
    }
    return { status: 200, body: describe(this.s.assets.save(roomId, body, user.id)) };
  }

  async #boardPdf(r: ApiRequest, roomId: string): Promise<ApiResponse> {
    this.#participant(r, roomId);
    const room = this.s.rooms.require(roomId);
    // The live board when the room is in use (it may be ahead of the last snapshot).
    const state = this.s.live.get(roomId)?.board.state ?? this.s.boards.load(roomId).state;
    const pdf = await renderBoardPdf(state, room.title, roomId, this.s.assets);
    const name = room.title.replace(/[^A-Za-z0-9 _-]+/g, '').trim().slice(0, 60) || 'board';
    return { status: 200, bytes: pdf, headers: { 'content-type': 'application/pdf', 'content-disposition': `attachment; filename="${name}.pdf"`, 'cache-control': 'no-store' } };
  }

  #download(r: ApiRequest, roomId: string, assetId: string): ApiResponse {
    this.#participant(r, roomId);
    const a = this.s.assets.get(roomId, assetId);
    if (!a) throw new HttpError(404, 'NOT_FOUND', 'No such image in this room.');
    return { status: 200, bytes: this.s.assets.read(a), headers: { 'content-type': a.mime, 'cache-control': 'private, max-age=86400' } };
  }

  #requireControl(r: ApiRequest): void {
    const token = r.req.headers.authorization?.startsWith('Bearer ') ? r.req.headers.authorization.slice(7).trim() : '';
    if (!token || !timingSafeEqual(hashToken(token), this.#controlHash)) {
      throw new HttpError(403, 'FORBIDDEN', 'Admin endpoints need the installation\'s control token.');
    }
  }
}
