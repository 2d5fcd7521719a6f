// The classroom in real Chromium against the real server: sign in through the form, chat both
// ways, survive a network cut (through a TCP proxy that only the student uses), direct
// messages, moderation, history paging and "signed in from another tab".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { TcpProxy } from '../helpers/tcpProxy.js';
import { waitFor } from '../helpers/waitFor.js';
import { launchChromium, messageTexts, openApp, openRoom, sendChat, signIn, waitForConnection, waitForMessage, type AppPage } from '../helpers/browser.js';

describe('classroom in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let proxy: TcpProxy;
  const apps: AppPage[] = [];
  let studentId: number;
  let teacherId: number;

  const open = async (baseUrl: string, o?: { width?: number; height?: number }) => {
    const app = await openApp(browser, baseUrl, o);
    apps.push(app);
    return app;
  };

  before(async () => {
    server = await startServer();
    teacherId = server.addUser('tina', 'teacher');
    studentId = server.addUser('sam', 'student');
    server.addUser('sofia', 'student');
    const port = Number(new URL(server.url).port);
    proxy = await TcpProxy.start({ host: '127.0.0.1', port });
    browser = await launchChromium();
  });

  after(async () => {
    for (const a of apps) await a.context.close().catch(() => {});
    await browser?.close();
    await proxy?.close();
    await server?.cleanup();
  });

  it('teacher and student chat, and the student gets every message after a network cut', async () => {
    const roomId = server.addRoom('Biology 101', { tina: 'teacher', sam: 'student' });
    const teacher = await open(server.url);
    // Only the student goes through the proxy, so only the student loses the network.
    const student = await open(`https://127.0.0.1:${proxy.port}`);

    await signIn(teacher.page, 'tina');
    await openRoom(teacher.page, roomId);
    await signIn(student.page, 'sam');
    await openRoom(student.page, roomId);
    assert.equal(await student.page.getByTestId('room-title').textContent(), 'Biology 101');

    await sendChat(teacher.page, 'Good morning, class!');
    await waitForMessage(student.page, 'Good morning, class!');
    await sendChat(student.page, 'Good morning!');
    await waitForMessage(teacher.page, 'Good morning!');
    // Both see the student in the participant list; the teacher sees it live.
    await teacher.page.locator(`[data-testid="participant-${studentId}"][data-state="joined"]`).waitFor();

    proxy.cut();
    await student.page.getByTestId('reconnecting-banner').getByText('Reconnecting…').waitFor();
    await teacher.page.locator(`[data-testid="participant-${studentId}"][data-state="reconnecting"]`).getByTestId('participant-reconnecting').waitFor();
    // A draft typed while offline stays, and cannot be sent into the void.
    await student.page.getByTestId('composer-input').fill('Sorry, my Wi-Fi dropped');
    assert.equal(await student.page.getByTestId('send').isDisabled(), true);
    await student.page.getByTestId('offline-hint').waitFor();

    const missed = ['Lesson 1: cells', 'Lesson 2: membranes', 'Lesson 3: mitochondria'];
    for (const text of missed) await sendChat(teacher.page, text);

    proxy.restore();
    // Backoff is capped at 10 s; the cut above lasted a few seconds, so the next try is soon.
    await waitForConnection(student.page, 'live', 20_000);
    await student.page.getByTestId('reconnecting-banner').waitFor({ state: 'detached' });
    await waitForMessage(student.page, missed[2]!);
    assert.deepEqual(await messageTexts(student.page), ['Good morning, class!', 'Good morning!', ...missed]);
    assert.equal(await student.page.getByTestId('composer-input').inputValue(), 'Sorry, my Wi-Fi dropped');
    await teacher.page.locator(`[data-testid="participant-${studentId}"][data-state="joined"]`).waitFor();

    // The kept draft goes out once the connection is back.
    await sendChat(student.page, 'Sorry, my Wi-Fi dropped');
    await waitForMessage(teacher.page, 'Sorry, my Wi-Fi dropped');
    assert.deepEqual(await messageTexts(teacher.page), ['Good morning, class!', 'Good morning!', ...missed, 'Sorry, my Wi-Fi dropped']);

    await student.page.screenshot({ path: '/tmp/classroom.png' });
    assert.deepEqual([...teacher.problems, ...student.problems], []);
  });

  it('direct messages follow the role rule and moderators can delete', async () => {
    const roomId = server.addRoom('History 7B', { tina: 'teacher', sam: 'student', sofia: 'student' });
    const teacher = await open(server.url);
    const sam = await open(server.url);
    const sofia = await open(server.url);
    await signIn(teacher.page, 'tina');
    await openRoom(teacher.page, roomId);
    await signIn(sam.page, 'sam');
    await openRoom(sam.page, roomId);
    await signIn(sofia.page, 'sofia');
    await openRoom(sofia.page, roomId);
    await sam.page.locator(`[data-testid="participant-${teacherId}"]`).waitFor();
    await waitFor(async () => {
      const n = await sam.page.locator('[data-testid="participants"] li').count();
      return n === 3 ? undefined : `sam sees ${n} participants`;
    });

    // A student may write privately to the teacher, not to another student.
    const options = await sam.page.getByTestId('recipient').locator('option').allTextContents();
    assert.deepEqual(options, ['Everyone', 'Tina (Teacher) — direct message']);
    await sam.page.getByTestId('recipient').selectOption(String(teacherId));
    await sendChat(sam.page, 'May I leave at 11?');
    const atTeacher = await waitForMessage(teacher.page, 'May I leave at 11?');
    assert.equal(await atTeacher.getByTestId('message-dm').textContent(), 'Direct to you');
    const atSam = await waitForMessage(sam.page, 'May I leave at 11?');
    assert.equal(await atSam.getByTestId('message-dm').textContent(), 'Direct to Tina');
    // The teacher may write to anyone.
    const teacherOptions = await teacher.page.getByTestId('recipient').locator('option').allTextContents();
    assert.deepEqual(teacherOptions.slice(1).sort(), ['Sam (Student) — direct message', 'Sofia (Student) — direct message']);

    await sendChat(sofia.page, 'This is off-topic');
    const offTopic = await waitForMessage(teacher.page, 'This is off-topic');
    assert.equal(await sam.page.getByTestId('delete-message').count(), 0, 'students have no delete button');
    await offTopic.getByTestId('delete-message').click();
    for (const p of [teacher.page, sam.page, sofia.page]) {
      await p.getByTestId('message').filter({ hasText: 'Message deleted' }).waitFor();
      assert.equal(await p.getByText('This is off-topic').count(), 0);
    }
    // Sofia never saw the direct message.
    assert.equal(await sofia.page.getByText('May I leave at 11?').count(), 0);
    assert.deepEqual([...teacher.problems, ...sam.problems, ...sofia.problems], []);
  });

  it('pages back through history and counts down to the length limit', async () => {
    const roomId = server.addRoom('Maths 9', { tina: 'teacher', sam: 'student' });
    // 120 messages arranged through the real store: more than the 50 a fresh join brings.
    server.arrange((s) => {
      for (let i = 1; i <= 120; i++) {
        s.log.append(roomId, 'chat.message', teacherId, { from: { userId: teacherId, displayName: 'Tina', role: 'teacher' }, text: `Exercise ${i}` });
      }
    });
    const student = await open(server.url, { width: 375, height: 740 });
    await signIn(student.page, 'sam');
    await openRoom(student.page, roomId);
    await waitForMessage(student.page, 'Exercise 120');
    assert.equal((await messageTexts(student.page))[0], 'Exercise 71');
    await student.page.getByTestId('load-earlier').click();
    await waitForMessage(student.page, 'Exercise 21');
    await student.page.getByTestId('load-earlier').click();
    await waitForMessage(student.page, 'Exercise 1');
    await student.page.getByText('This is the beginning of the conversation.').waitFor();
    const texts = await messageTexts(student.page);
    assert.deepEqual(texts, Array.from({ length: 120 }, (_, i) => `Exercise ${i + 1}`));

    const input = student.page.getByTestId('composer-input');
    await input.fill('x'.repeat(4001));
    await student.page.getByTestId('char-counter').getByText('1 characters over the limit').waitFor();
    assert.equal(await student.page.getByTestId('send').isDisabled(), true);
    await input.press('Backspace');
    await student.page.getByTestId('char-counter').getByText('0 characters left').waitFor();
    assert.equal(await student.page.getByTestId('send').isDisabled(), false);
    assert.deepEqual(student.problems, []);
  });

  it('a second tab takes the seat; the first says why and does not reconnect by itself', async () => {
    const roomId = server.addRoom('Art', { tina: 'teacher', sam: 'student' });
    const first = await open(server.url);
    await signIn(first.page, 'sam');
    await openRoom(first.page, roomId);
    const second = await first.context.newPage();
    await second.goto(`/room/${roomId}`);
    await waitForConnection(second, 'live');
    await waitForConnection(first.page, 'ended');
    await first.page.getByTestId('ended-banner').getByText('You were signed in from another tab.').waitFor();
    assert.equal(await first.page.getByTestId('composer-input').isDisabled(), true);
    // Taking the seat back ends the other tab instead.
    await first.page.getByTestId('take-over').click();
    await waitForConnection(first.page, 'live');
    await waitForConnection(second, 'ended');
    await second.close();
  });

  it('an invite link lets a guest pick a name and join that room only', async () => {
    const roomId = server.addRoom('Open day', { tina: 'teacher' });
    const { code } = server.arrange((s) => s.rooms.createInvite(roomId, 'student', 3_600_000, 5));
    const guest = await open(server.url, { width: 375, height: 740 });
    await guest.page.goto('/join/not-a-real-invite-code');
    await guest.page.getByTestId('invite-error').waitFor();
    await guest.page.goto(`/join/${code}`);
    assert.equal(await guest.page.getByTestId('invite-room').textContent(), 'Open day');
    await guest.page.getByText('You will join as a student.').waitFor();
    await guest.page.getByLabel('Your name').fill('Greta Guest');
    await guest.page.getByRole('button', { name: 'Join' }).click();
    await waitForConnection(guest.page, 'live');
    assert.equal(new URL(guest.page.url()).pathname, `/room/${roomId}`);
    await sendChat(guest.page, 'Hello from a guest');
    await waitForMessage(guest.page, 'Hello from a guest');
    // A guest's home is their room.
    await guest.page.goto('/');
    await waitForConnection(guest.page, 'live');
    assert.equal(new URL(guest.page.url()).pathname, `/room/${roomId}`);
    assert.deepEqual(guest.problems, []);
  });

  it('shows the server\'s sentence when sign-in fails', async () => {
    const app = await open(server.url);
    await app.page.goto('/');
    await app.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await app.page.getByLabel('Username').fill('sam');
    await app.page.getByLabel('Password').fill('wrong');
    await app.page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await app.page.getByTestId('login-error').getByText('Wrong username or password.').waitFor();
    assert.equal(new URL(app.page.url()).pathname, '/login');
  });
});
