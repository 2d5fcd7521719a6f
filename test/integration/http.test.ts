// The HTTP side: TLS and redirect, security headers, health, sign-in with its rate limits,
// sessions, the room list and invite links.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, rawRequest, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';

describe('HTTP API', () => {
  let server: TestServer;
  let roomId: string;

  before(async () => {
    server = await startServer({ config: { auth: { maxFailuresPerAccount: 3, maxAttemptsPerAddress: 1000 } } });
    server.addUser('tina', 'teacher');
    server.addUser('sam', 'student');
    server.addUser('victim', 'student');
    roomId = server.addRoom('Art', { tina: 'teacher', sam: 'student' });
  });
  after(() => server.cleanup());

  it('serves HTTPS with security headers, health and readiness; plain HTTP redirects', async () => {
    const health = await server.api('GET', '/healthz');
    assert.equal(health.status, 200);
    assert.match(String(health.headers['strict-transport-security']), /max-age=/);
    assert.match(String(health.headers['content-security-policy']), /default-src 'self'/);
    assert.equal(health.headers['x-content-type-options'], 'nosniff');
    assert.equal((await server.api('GET', '/readyz')).status, 200);
    const redirect = await rawRequest(server.httpUrl + '/room/abc?x=1', { method: 'GET' });
    assert.equal(redirect.status, 308);
    assert.match(String(redirect.headers.location), /^https:\/\/127\.0\.0\.1:\d+\/room\/abc\?x=1$/);
    assert.equal((await server.api('GET', '/nope')).status, 404);
    const app = await server.api('GET', '/');
    assert.equal(app.status, 200);
    assert.match(String(app.headers['content-type']), /text\/html/);
  });

  it('signs in with a hashed password, sets an HttpOnly cookie and refuses wrong passwords', async () => {
    const ok = await server.api('POST', '/api/login', { username: 'TINA', password: 'tina-password' });
    assert.equal(ok.status, 200);
    assert.ok(ok.body.token.length >= 43, '256-bit token');
    assert.match(String(ok.headers['set-cookie']), /HttpOnly; SameSite=Strict.*Secure/);
    const me = await server.api('GET', '/api/me', undefined, { authorization: `Bearer ${ok.body.token}` });
    assert.equal(me.body.user.username, 'tina');
    const stored = server.arrange((s) => s.db.prepare('SELECT password_hash FROM users WHERE username = ?').get('tina') as { password_hash: string });
    assert.match(stored.password_hash, /^scrypt\$/);
    const tokens = server.arrange((s) => s.db.prepare('SELECT count(*) AS n FROM sessions WHERE hex(token_hash) = hex(?)').get(ok.body.token) as { n: number });
    assert.equal(tokens.n, 0, 'the raw token is not stored');

    const bad = await server.api('POST', '/api/login', { username: 'tina', password: 'wrong-password' });
    assert.deepEqual([bad.status, bad.body.error.code], [401, 'INVALID_CREDENTIALS']);
    const unknown = await server.api('POST', '/api/login', { username: 'nobody', password: 'whatever1' });
    assert.deepEqual([unknown.status, unknown.body.error.code], [401, 'INVALID_CREDENTIALS']);
    for (const body of ['{"username":1}', 'not json', JSON.stringify({ username: 'a', password: 'b', extra: 1 })]) {
      const r = await server.api('POST', '/api/login', body);
      assert.equal(r.status, 400, body);
    }
    const huge = await server.api('POST', '/api/login', JSON.stringify({ username: 'x', password: 'y'.repeat(20_000) }));
    assert.equal(huge.status, 413);
    const form = await server.api('POST', '/api/login', 'username=a', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    const cross = await server.api('POST', '/api/login', { username: 'tina', password: 'tina-password' }, { origin: 'https://evil.example' });
    assert.equal(cross.status, 403);
  });

  it('locks an account after repeated failures, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await server.api('POST', '/api/login', { username: 'victim', password: `guess-${i}-xx` })).status, 401);
    }
    const locked = await server.api('POST', '/api/login', { username: 'victim', password: 'victim-password' });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(locked.headers['retry-after']) > 0);
    // Other accounts are unaffected.
    assert.equal((await server.api('POST', '/api/login', { username: 'sam', password: 'sam-password' })).status, 200);
  });

  it('lists the rooms a user may enter', async () => {
    const token = await server.login('sam');
    const r = await server.api('GET', '/api/rooms', undefined, { authorization: `Bearer ${token}` });
    assert.deepEqual(r.body.rooms.map((x: { id: string; role: string }) => [x.id, x.role]), [[roomId, 'student']]);
    const anon = await server.api('GET', '/api/rooms');
    assert.deepEqual([anon.status, anon.body.error.code], [401, 'UNAUTHENTICATED']);
  });

  it('an invite link lets a guest join one room with a display name; used-up links are refused', async () => {
    const { code } = server.arrange((s) => s.rooms.createInvite(roomId, 'student', 3_600_000, 1));
    const peek = await server.api('GET', `/api/invites/${code}`);
    assert.deepEqual(peek.body, { roomId, roomTitle: 'Art', role: 'student' });
    const bad = await server.api('POST', `/api/invites/${code}/redeem`, { displayName: '' });
    assert.equal(bad.status, 400);
    const ctrl = await server.api('POST', `/api/invites/${code}/redeem`, { displayName: 'Evil\u202eName' });
    assert.equal(ctrl.body.error.code, 'BAD_DISPLAY_NAME');
    const redeemed = await server.api('POST', `/api/invites/${code}/redeem`, { displayName: '  Guest   Gina ' });
    assert.equal(redeemed.status, 200);
    assert.equal(redeemed.body.roomId, roomId);
    assert.equal(redeemed.body.user.displayName, 'Guest Gina');

    const again = await server.api('POST', `/api/invites/${code}/redeem`, { displayName: 'Second' });
    assert.deepEqual([again.status, again.body.error.code], [404, 'INVITE_INVALID']);
    assert.equal((await server.api('GET', `/api/invites/${code}`)).status, 404);
    assert.equal((await server.api('GET', '/api/invites/made-up-code-123')).status, 404);

    const gina = await TestClient.connect(server, redeemed.body.token);
    const join = await gina.join({ roomId });
    assert.equal(join.self.role, 'student');
    assert.equal(join.self.displayName, 'Guest Gina');
    await gina.ok('chat.send', { text: 'hello from a guest' });
    await gina.ok('room.leave');
    const other = server.addRoom('Other', {});
    const denied = await gina.request('room.join', { roomId: other });
    assert.equal(!denied.ok && denied.code, 'FORBIDDEN');
    await gina.close();

    const expired = server.arrange((s) => s.rooms.createInvite(roomId, 'student', 1000, null));
    server.arrange((s) => s.db.prepare('UPDATE invites SET expires_at = 1').run());
    assert.equal((await server.api('POST', `/api/invites/${expired.code}/redeem`, { displayName: 'Late' })).status, 404);
  });
});
