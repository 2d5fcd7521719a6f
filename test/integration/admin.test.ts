// classroomctl against a running server: changes in the database reach live connections.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CLI, startServer, type TestServer } from '../helpers/server.js';
import { TestClient } from '../helpers/client.js';

const run = promisify(execFile);

describe('operator commands reach live sessions', () => {
  let server: TestServer;
  const ctl = (...args: string[]) => run(process.execPath, [CLI, '--data-dir', server.dataDir, ...args]);

  before(async () => {
    // Revalidation is slow here, so only the CLI's notification can explain a quick kick.
    server = await startServer({ config: { auth: { revalidateSeconds: 3600 } } });
    server.addUser('tina', 'teacher');
    server.addUser('sam', 'student');
  });
  after(() => server.cleanup());

  it('user disable closes the user\'s live session at once and its token stops working', async () => {
    const roomId = server.addRoom('Geography', { tina: 'teacher', sam: 'student' });
    const samToken = await server.login('sam');
    const sam = await TestClient.connect(server, samToken);
    await sam.join({ roomId });
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });

    const { stdout } = await ctl('user', 'disable', 'sam');
    assert.match(stdout, /disabled/i);
    const closed = await sam.waitForClose(5000);
    assert.equal(closed.code, 4012);
    assert.ok(sam.frames.some((f) => f.type === 'bye' && f.code === 4012));
    const samId = server.arrange((s) => s.users.require('sam').id);
    await tina.waitForEvent((e) => e.kind === 'participant.left' && e.data.userId === samId && e.data.reason === 'revoked', 'Sam leaving');
    await assert.rejects(TestClient.connect(server, samToken), /401/);
    const login = await server.api('POST', '/api/login', { username: 'sam', password: 'sam-password' });
    assert.equal(login.status, 401);
    await tina.close();
  });

  it('room close disconnects everyone in it with a reason, and the room refuses joins', async () => {
    const roomId = server.addRoom('Closing soon', { tina: 'teacher' });
    const tina = await TestClient.connect(server, await server.login('tina'));
    await tina.join({ roomId });
    await ctl('room', 'close', roomId);
    assert.equal((await tina.waitForClose(5000)).code, 4011);
    const again = await TestClient.connect(server, await server.login('tina'));
    const r = await again.request('room.join', { roomId });
    assert.equal(!r.ok && r.code, 'ROOM_CLOSED');
    await again.close();
  });
});
