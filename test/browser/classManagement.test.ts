// Class management in real Chromium against the real server, a teacher and two students in
// three browser contexts: waiting room, class session, hands, a quiz, breakout groups with a
// visit, a broadcast and the recall, the end of the class; then the CLI export of the record.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { CLI, startServer, type TestServer } from '../helpers/server.js';
import { TcpProxy } from '../helpers/tcpProxy.js';
import { waitFor } from '../helpers/waitFor.js';
import { launchChromium, openApp, openRoom, sendChat, signIn, waitForConnection, waitForMessage, type AppPage } from '../helpers/browser.js';

const run = promisify(execFile);

describe('class management in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  let proxy: TcpProxy;
  const apps: AppPage[] = [];
  let samId: number;
  let sofiaId: number;

  const open = async (o?: { width?: number; height?: number; baseUrl?: string }) => {
    const app = await openApp(browser, o?.baseUrl ?? server.url, o);
    apps.push(app);
    return app;
  };

  before(async () => {
    server = await startServer();
    server.addUser('tina', 'teacher');
    samId = server.addUser('sam', 'student');
    sofiaId = server.addUser('sofia', 'student');
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    browser = await launchChromium();
  });

  after(async () => {
    for (const a of apps) await a.context.close().catch(() => {});
    await browser?.close();
    await proxy?.close();
    await server?.cleanup();
  });

  /** The room id in the address bar (it follows breakout moves). */
  const roomOf = (page: Page) => new URL(page.url()).pathname.replace('/room/', '');

  it('waiting room, hands, a quiz, breakouts and the end of the class, then the export', async () => {
    const roomId = server.addRoom('Science 8', { tina: 'teacher', sam: 'student', sofia: 'student' });
    const teacher = await open({ width: 1440, height: 900 });
    const sam = await open();
    const sofia = await open();
    const t = teacher.page;

    // ---- The teacher turns the waiting room on; students knock and wait.
    await signIn(t, 'tina');
    await openRoom(t, roomId);
    await t.getByTestId('setting-waitingRoom').check();
    await t.locator('[data-testid="setting-waitingRoom"]:checked').waitFor();
    await t.getByTestId('lobby').getByText('Nobody is waiting.').waitFor();

    for (const [s, name] of [[sam, 'sam'], [sofia, 'sofia']] as const) {
      await signIn(s.page, name);
      await s.page.getByTestId(`room-${roomId}`).click();
      await s.page.getByTestId('waiting-screen').getByText('Waiting for the teacher to let you in…').waitFor();
    }
    await t.getByTestId(`waiting-${samId}`).waitFor();
    await t.getByTestId(`waiting-${sofiaId}`).waitFor();
    assert.equal(await t.getByTestId('lobby-count').textContent(), '2');

    // One by one, then "Admit all": each student's page enters by itself.
    await t.getByTestId(`waiting-${samId}`).getByTestId('admit').click();
    await waitForConnection(sam.page, 'live');
    await t.getByTestId(`waiting-${samId}`).waitFor({ state: 'detached' });
    await t.getByTestId('admit-all').click();
    await waitForConnection(sofia.page, 'live');
    await t.locator(`[data-testid="participant-${sofiaId}"]`).waitFor();

    // ---- Start the class: everyone sees it.
    await t.getByTestId('start-class').click();
    for (const p of [t, sam.page, sofia.page]) await p.getByTestId('in-class').waitFor();
    await t.getByTestId('session-control').getByText('Session 1').waitFor();

    // ---- A hand goes up, the teacher sees it in the queue and lowers it.
    await sam.page.getByTestId('hand').click();
    await sam.page.locator('[data-testid="hand"][aria-pressed="true"]').waitFor();
    await t.getByTestId('hands-queue').getByTestId(`hand-${samId}`).waitFor();
    await t.getByTestId(`participant-${samId}`).getByTestId('participant-hand').waitFor();
    await t.getByTestId(`hand-${samId}`).getByTestId('lower-hand').click();
    await sam.page.locator('[data-testid="hand"][aria-pressed="false"]').waitFor();
    await t.getByTestId('hands-queue').waitFor({ state: 'detached' });

    // ---- Requests: Sam may speak, Sofia may not draw.
    await sam.page.getByTestId('ask-audio').click();
    await sam.page.getByTestId('asked-audio').waitFor();
    await sofia.page.getByTestId('ask-draw').click();
    await t.getByTestId(`request-${samId}-audio`).getByTestId('approve').click();
    await t.getByTestId(`request-${sofiaId}-draw`).getByTestId('decline').click();
    await t.getByTestId('requests').waitFor({ state: 'detached' });
    await sam.page.getByTestId('asked-audio').waitFor({ state: 'detached' });
    assert.equal(await sam.page.getByTestId('ask-audio').count(), 0, 'granted: nothing left to ask');
    await sofia.page.getByTestId('request-declined').getByText('Your request to draw was declined.').waitFor();
    assert.equal(await sofia.page.getByTestId('ask-draw').count(), 1, 'declined: may ask again');

    // ---- Chat muted for one student from the participant menu, then back.
    const sofiaRow = t.getByTestId(`participant-${sofiaId}`);
    await sofiaRow.getByTestId('participant-menu').click();
    await sofiaRow.getByTestId('menu-chat').click();
    await sofiaRow.getByTestId('participant-muted').waitFor();
    await sofia.page.getByTestId('composer-disabled').getByText('The teacher has turned off chat for you.').waitFor();
    assert.equal(await sofia.page.getByTestId('composer-input').isDisabled(), true);
    await t.screenshot({ path: '/tmp/class-teacher-class.png' });
    await sofiaRow.getByTestId('participant-menu').click();
    assert.equal(await sofiaRow.getByTestId('menu-chat').textContent(), 'Unmute chat');
    await sofiaRow.getByTestId('menu-chat').click();
    await sofia.page.getByTestId('composer-disabled').waitFor({ state: 'detached' });
    assert.equal(await sofia.page.getByTestId('composer-input').isDisabled(), false);

    // ---- A quiz: one right answer, one wrong; live counts; close; publish.
    await t.getByTestId('tab-polls').click();
    await t.getByTestId('new-poll').click();
    await t.getByTestId('poll-question').fill('What is H₂O?');
    await t.getByTestId('poll-option').nth(0).fill('Water');
    await t.getByTestId('poll-option').nth(1).fill('Salt');
    await t.getByTestId('poll-add-option').click();
    await t.getByTestId('poll-option').nth(2).fill('Sand');
    await t.getByTestId('poll-option-correct').nth(0).check();
    await t.getByTestId('poll-create').click();
    const staffPoll = t.getByTestId('staff-poll').first();
    await t.locator('[data-testid="staff-poll"][data-status="open"]').waitFor();

    const vote = async (p: Page, option: string) => {
      const card = p.getByTestId('student-poll');
      await card.getByText('What is H₂O?').waitFor();
      await card.getByLabel(option).check();
      await card.getByTestId('poll-vote').click();
      await card.getByTestId('poll-voted').getByText('Your vote is in.', { exact: false }).waitFor();
    };
    await vote(sam.page, 'Water');
    await vote(sofia.page, 'Salt');
    await waitFor(async () => {
      const counts = await staffPoll.getByTestId('poll-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-count')));
      return counts.join() === '1,1,0' ? undefined : `teacher sees counts ${counts.join()}`;
    });
    assert.match((await staffPoll.getByTestId('poll-voters').textContent())!, /^2 votes/);
    await t.screenshot({ path: '/tmp/class-teacher-quiz.png' });

    await staffPoll.getByTestId('poll-close').click();
    await sam.page.locator('[data-testid="student-poll"][data-status="closed"]').waitFor();
    await staffPoll.getByTestId('poll-publish').click();
    const samCard = sam.page.locator('[data-testid="student-poll"][data-status="published"]');
    const sofiaCard = sofia.page.locator('[data-testid="student-poll"][data-status="published"]');
    await samCard.getByTestId('poll-verdict').getByText('You got it right!', { exact: false }).waitFor();
    await sofiaCard.getByTestId('poll-verdict').getByText('Not quite', { exact: false }).waitFor();
    for (const card of [samCard, sofiaCard]) {
      assert.equal(await card.getByTestId('poll-correct').count(), 1);
      assert.deepEqual(await card.getByTestId('poll-result').evaluateAll((els) => els.map((e) => e.getAttribute('data-count'))), ['1', '1', '0']);
    }

    // ---- Breakouts by hand: Sam in group 1, Sofia in group 2.
    await t.getByTestId('tab-breakouts').click();
    await t.getByTestId('breakout-groups').fill('2');
    await t.getByTestId('breakout-form').getByText('By hand').click();
    await t.locator('[data-testid="breakout-by-hand"]:checked').waitFor({ state: 'attached' });
    await t.getByTestId(`assign-${samId}`).selectOption('0');
    await t.getByTestId(`assign-${sofiaId}`).selectOption('1');
    await t.getByTestId('breakout-minutes').fill('10');
    await t.getByTestId('breakout-start').click();
    await t.getByTestId('breakout-running').waitFor();
    const groupRooms = await t.getByTestId('breakout-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-room-id')!));
    assert.equal(groupRooms.length, 2);

    for (const [s, group, text] of [[sam, 1, 'Hello from group 1'], [sofia, 2, 'Hello from group 2']] as const) {
      await s.page.getByTestId('breakout-banner').getByText(`You are in Group ${group}`).waitFor();
      await s.page.getByTestId('breakout-ends').waitFor();
      await waitForConnection(s.page, 'live');
      assert.equal(roomOf(s.page), groupRooms[group - 1]);
      assert.equal(await s.page.getByTestId('room-title').textContent(), `Science 8 — Group ${group}`);
      await sendChat(s.page, text);
      await waitForMessage(s.page, text);
    }
    await t.screenshot({ path: '/tmp/class-teacher-breakouts.png' });

    // The teacher visits group 1, reads its chat, and comes back.
    await t.getByTestId('breakout-group').nth(0).getByTestId('breakout-visit').click();
    await t.getByTestId('breakout-banner').getByText('Visiting Group 1').waitFor();
    await waitForConnection(t, 'live');
    await waitForMessage(t, 'Hello from group 1');
    assert.equal(await t.getByText('Hello from group 2').count(), 0);
    await t.getByTestId('back-to-class').click();
    await t.getByTestId('breakout-banner').waitFor({ state: 'detached' });
    await waitForConnection(t, 'live');
    assert.equal(roomOf(t), roomId);

    // A message to every group.
    await t.getByTestId('broadcast-text').fill('Two minutes left!');
    await t.getByTestId('broadcast-send').click();
    await t.getByTestId('broadcast-sent').getByText('Sent to 2 groups.').waitFor();
    for (const s of [sam, sofia]) await waitForMessage(s.page, 'Two minutes left!');

    // Recall: everyone is back in the class room.
    await t.getByTestId('breakout-end').click();
    await t.getByTestId('breakout-form').waitFor();
    for (const s of [sam, sofia]) {
      await s.page.getByTestId('breakout-banner').waitFor({ state: 'detached' });
      await waitForConnection(s.page, 'live');
      await waitFor(() => (roomOf(s.page) === roomId ? undefined : `student still at ${roomOf(s.page)}`));
      assert.equal(await s.page.getByTestId('room-title').textContent(), 'Science 8');
    }
    await t.locator(`[data-testid="participant-${samId}"]`).waitFor();
    await t.locator(`[data-testid="participant-${sofiaId}"]`).waitFor();

    // ---- The end of the class: students see it and are disconnected; the teacher stays.
    await t.getByTestId('tab-class').click();
    await t.getByTestId('end-class').click();
    await t.getByTestId('confirm-end-class').click();
    for (const s of [sam, sofia]) {
      await s.page.getByTestId('final-title').getByText('The class has ended.').waitFor();
      await s.page.getByTestId('final-detail').getByText('Thank you for joining!').waitFor();
      await waitForConnection(s.page, 'ended');
    }
    await t.locator('[data-testid="session-control"][data-running="no"]').waitFor();
    await waitForConnection(t, 'live');
    assert.deepEqual([...teacher.problems, ...sam.problems, ...sofia.problems], []);

    // ---- The record, through the CLI as a separate process.
    const { stdout } = await run(process.execPath, [CLI, '--data-dir', server.dataDir, 'room', 'export', roomId], { env: { ...process.env, CLASSROOM_HOME: undefined } });
    const exported = JSON.parse(stdout);
    const quiz = exported.polls.find((p: { question: string }) => p.question === 'What is H₂O?');
    assert.ok(quiz, 'the quiz is in the export');
    assert.equal(quiz.quiz, true);
    assert.deepEqual(quiz.correct, [0]);
    const answer = (userId: number) => quiz.answers.find((a: { userId: number }) => a.userId === userId);
    assert.deepEqual([answer(samId).choices, answer(samId).correct], [[0], true]);
    assert.deepEqual([answer(sofiaId).choices, answer(sofiaId).correct], [[1], false]);

    assert.equal(exported.sessions[0].number, 1);
    assert.ok(exported.sessions[0].endedAt, 'session 1 has ended');
    const session1 = exported.attendanceBySession.find((s: { session: number }) => s.session === 1);
    for (const [id, said] of [[samId, 'Hello from group 1'], [sofiaId, 'Hello from group 2']] as const) {
      const p = session1.participants.find((x: { userId: number }) => x.userId === id);
      assert.ok(p, `user ${id} in the attendance of session 1`);
      assert.equal(p.present, true);
      assert.ok(p.totalSeconds >= 0 && p.intervals.length >= 2, `class room and group intervals for ${id}`);
      assert.equal(p.messagesSent, 1, `${said}: counted once`);
      assert.equal(p.pollAnswers.length, 1);
    }
    assert.equal(session1.participants.find((x: { userId: number }) => x.userId === samId).handsRaised, 1);
  });

  it('a student offline when breakouts start and when they end lands in the right room', async () => {
    const roomId = server.addRoom('Physics 9', { tina: 'teacher', sam: 'student' });
    const teacher = await open({ width: 1440, height: 900 });
    // Only the student goes through the proxy, so only the student loses the network.
    const student = await open({ baseUrl: `https://127.0.0.1:${proxy.port}` });
    const t = teacher.page;
    const p = student.page;
    await signIn(t, 'tina');
    await openRoom(t, roomId);
    await signIn(p, 'sam');
    await openRoom(p, roomId);
    await t.getByTestId('start-class').click();
    await p.getByTestId('in-class').waitFor();

    /** Cuts the student's network; `seen`: the teacher is in the same room and sees it. */
    const outage = async (seen: boolean) => {
      proxy.cut();
      await p.getByTestId('reconnecting-banner').waitFor();
      if (seen) await t.locator(`[data-testid="participant-${samId}"][data-state="reconnecting"]`).waitFor();
    };
    const back = async () => {
      proxy.restore();
      // The client's own backoff may reconnect before the click lands (the banner goes away
      // under the pointer): then there is nothing to retry, and the banner must be gone.
      const banner = p.getByTestId('reconnecting-banner');
      await banner.getByRole('button', { name: 'Retry now' }).click({ timeout: 3000 })
        .catch(() => banner.waitFor({ state: 'detached' }));
    };

    // Offline while a poll opens and the (still seated) student is sent to a group.
    await outage(true);
    await t.getByTestId('tab-polls').click();
    await t.getByTestId('new-poll').click();
    await t.getByTestId('poll-question').fill('Ready for the lab?');
    await t.getByTestId('poll-option').nth(0).fill('Yes');
    await t.getByTestId('poll-option').nth(1).fill('Not yet');
    await t.getByTestId('poll-create').click();
    await t.locator('[data-testid="staff-poll"][data-status="open"]').waitFor();
    await t.getByTestId('tab-breakouts').click();
    await t.getByTestId('breakout-groups').fill('1');
    await t.getByTestId('breakout-start').click();
    await t.getByTestId('breakout-members').getByText('Sam').waitFor();
    const groupId = (await t.getByTestId('breakout-group').getAttribute('data-room-id'))!;

    // Back online: the class room refuses (in a breakout) and sends the client to its group.
    await back();
    await p.getByTestId('breakout-banner').getByText('You are in Group 1').waitFor();
    await waitForConnection(p, 'live');
    assert.equal(roomOf(p), groupId);
    await sendChat(p, 'Back online in the group');

    // Offline again while the teacher recalls everyone: the closed group sends it home.
    await outage(false);
    await t.getByTestId('breakout-end').click();
    await t.getByTestId('breakout-form').waitFor();
    await back();
    await waitFor(() => (roomOf(p) === roomId ? undefined : `student at ${roomOf(p)}`));
    await waitForConnection(p, 'live');
    await p.getByTestId('breakout-banner').waitFor({ state: 'detached' });
    assert.equal(await p.getByTestId('room-title').textContent(), 'Physics 9');
    await t.locator(`[data-testid="participant-${samId}"][data-state="joined"]`).waitFor();

    // The poll that opened while the student was away is there, and a vote counts.
    const card = p.getByTestId('student-poll');
    await card.getByText('Ready for the lab?').waitFor();
    await card.getByLabel('Yes').check();
    await card.getByTestId('poll-vote').click();
    await t.getByTestId('tab-polls').click();
    await t.locator('[data-testid="staff-poll"] [data-testid="poll-result"][data-count="1"]').waitFor();
    assert.deepEqual([...teacher.problems, ...student.problems], []);
  });

  it('declined at the door, removed and barred, and a locked room each say so', async () => {
    const roomId = server.addRoom('History 2', { tina: 'teacher', sam: 'student', sofia: 'student' });
    const teacher = await open({ width: 1440, height: 900 });
    const sam = await open();
    const sofia = await open();
    const t = teacher.page;
    await signIn(t, 'tina');
    await openRoom(t, roomId);

    // Declined from the waiting room: a final screen, no reconnecting.
    await t.getByTestId('setting-waitingRoom').check();
    await t.locator('[data-testid="setting-waitingRoom"]:checked').waitFor();
    await signIn(sofia.page, 'sofia');
    await sofia.page.getByTestId(`room-${roomId}`).click();
    await sofia.page.getByTestId('waiting-screen').waitFor();
    await t.getByTestId(`waiting-${sofiaId}`).getByTestId('deny').click();
    await sofia.page.getByTestId('final-screen').getByText('A teacher declined your request to join.').waitFor();
    await waitForConnection(sofia.page, 'ended');

    // Turning the waiting room off; Sam comes in, is removed and barred.
    await t.getByTestId('setting-waitingRoom').uncheck();
    await t.locator('[data-testid="setting-waitingRoom"]:not(:checked)').waitFor();
    await signIn(sam.page, 'sam');
    await openRoom(sam.page, roomId);
    const samRow = t.getByTestId(`participant-${samId}`);
    await samRow.getByTestId('participant-menu').click();
    await samRow.getByTestId('menu-bar').click();
    await samRow.getByTestId('confirm-remove').click();
    await sam.page.getByTestId('final-title').getByText('A teacher removed you from the class.').waitFor();
    await sam.page.getByTestId('final-detail').getByText('You cannot rejoin this session.').waitFor();
    await samRow.waitFor({ state: 'detached' });
    await sam.page.reload();
    await sam.page.getByTestId('ended-banner').getByText('You were removed from this class.').waitFor();

    // Locked: nobody new comes in.
    await t.getByTestId('setting-locked').check();
    await t.locator('[data-testid="setting-locked"]:checked').waitFor();
    await sofia.page.goto(`/room/${roomId}`);
    await sofia.page.getByTestId('ended-banner').getByText('This room is locked.').waitFor();
    assert.deepEqual([...teacher.problems, ...sam.problems, ...sofia.problems], []);
  });
});
