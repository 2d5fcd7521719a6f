// Audio, video and a screen share between two real Chromium pages through the real SFU, with
// fake devices. Flow is proven from the receiver's own RTCPeerConnection statistics: video
// frames decoded and audio packets received, not just "a tile appeared".
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.js';
import { TcpProxy } from '../helpers/tcpProxy.js';
import { TestClient } from '../helpers/client.js';
import { toneWav } from '../helpers/files.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../helpers/waitFor.js';
import { FAKE_MEDIA_ARGS, launchChromium, openApp, openRoom, signIn, waitForConnection, type AppPage } from '../helpers/browser.js';

interface Inbound { kind: string; framesDecoded: number; packetsReceived: number }

/** Records every RTCPeerConnection the app makes, so the test can read its stats. */
const CAPTURE_PCS = `(() => {
  const Orig = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Orig {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
})();`;

/** Inbound RTP streams of the page's live peer connections (mediasoup's bandwidth probe excluded). */
function inbound(page: Page): Promise<Inbound[]> {
  return page.evaluate(async () => {
    const out: Inbound[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: any) => {
        if (r.type === 'inbound-rtp' && r.mid !== 'probator') out.push({ kind: r.kind, framesDecoded: r.framesDecoded ?? 0, packetsReceived: r.packetsReceived ?? 0 });
      });
    }
    return out;
  });
}

/** Waits until at least `video` video streams decode frames and `audio` audio streams receive packets. */
async function receiving(page: Page, video: number, audio: number, what: string): Promise<void> {
  await waitFor(async () => {
    const s = await inbound(page);
    const v = s.filter((x) => x.kind === 'video' && x.framesDecoded > 0).length;
    const a = s.filter((x) => x.kind === 'audio' && x.packetsReceived > 0).length;
    return v >= video && a >= audio ? undefined : `${what}: ${v}/${video} video decoding, ${a}/${audio} audio receiving (${JSON.stringify(s)})`;
  }, 30_000, 250);
}

describe('audio, video and screen in the browser', () => {
  let server: TestServer;
  let browser: Browser;
  const apps: AppPage[] = [];
  let tinaId: number;
  let samId: number;

  let proxy: TcpProxy;
  let wavDir: string;
  const open = async (url = server.url) => {
    const app = await openApp(browser, url);
    await app.context.addInitScript(CAPTURE_PCS);
    apps.push(app);
    return app;
  };
  /** Tina and Sam in a new room, both with media ready; Sam may come through another URL. */
  const classOf = async (title: string, studentUrl = server.url) => {
    const roomId = server.addRoom(title, { tina: 'teacher', sam: 'student' });
    const teacher = await open();
    const student = await open(studentUrl);
    await signIn(teacher.page, 'tina');
    await openRoom(teacher.page, roomId);
    await signIn(student.page, 'sam');
    await openRoom(student.page, roomId);
    for (const a of [teacher, student]) await a.page.locator('[data-testid="media-stage"][data-media-status="ready"]').waitFor({ timeout: 15_000 });
    return { roomId, teacher, student };
  };
  const samProducer = async (source: string) => {
    const m = await server.admin('media');
    return m.rooms.flatMap((r: any) => r.peers).find((p: any) => p.userId === samId)?.producers.find((x: any) => x.source === source);
  };

  before(async () => {
    server = await startServer();
    tinaId = server.addUser('tina', 'teacher');
    samId = server.addUser('sam', 'student');
    server.addUser('andy', 'teacher');
    proxy = await TcpProxy.start({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    // The fake microphone plays a steady tone: someone is clearly speaking.
    wavDir = mkdtempSync(join(tmpdir(), 'classroom-wav-'));
    writeFileSync(join(wavDir, 'tone.wav'), toneWav(2));
    browser = await launchChromium([...FAKE_MEDIA_ARGS, `--use-file-for-fake-audio-capture=${join(wavDir, 'tone.wav')}`]);
  });
  after(async () => {
    for (const a of apps) await a.context.close().catch(() => {});
    await browser?.close();
    await proxy?.close();
    if (wavDir) rmSync(wavDir, { recursive: true, force: true });
    await server?.cleanup();
  });

  it('teacher and student see and hear each other, the teacher mutes the student on the server, and shares a screen', async () => {
    const { teacher, student } = await classOf('Music');

    // The teacher publishes camera and microphone; the student decodes video and receives audio.
    await teacher.page.getByTestId('media-camera').click();
    await teacher.page.getByTestId('media-mic').click();
    await teacher.page.locator('[data-testid="media-mic"][data-state="on"]').waitFor();
    await student.page.locator(`[data-testid="tile-camera"][data-user="${tinaId}"]`).waitFor();
    await receiving(student.page, 1, 1, 'student receiving the teacher');
    // The teacher's microphone plays a tone: the teacher is the active speaker on the student's screen.
    await student.page.locator(`[data-testid="tile-camera"][data-user="${tinaId}"][data-speaking="true"]`).waitFor({ timeout: 15_000 });

    // A student may show a camera by default but must be allowed to speak.
    assert.equal(await student.page.getByTestId('media-mic').isDisabled(), true, 'microphone needs "ask to speak"');
    await student.page.getByTestId('media-camera').click();
    await teacher.page.getByTestId(`participant-${samId}`).getByTestId('participant-menu').click();
    await teacher.page.getByTestId('menu-audio').click();
    await student.page.locator('[data-testid="media-mic"]:not([disabled])').waitFor();
    await student.page.getByTestId('media-mic').click();
    await student.page.locator('[data-testid="media-mic"][data-state="on"]').waitFor();
    await teacher.page.locator(`[data-testid="tile-camera"][data-user="${samId}"]`).waitFor();
    await receiving(teacher.page, 1, 1, 'teacher receiving the student');

    // The teacher mutes the student's microphone: paused on the server, and the student is told.
    await teacher.page.getByTestId(`participant-${samId}`).getByTestId('participant-menu').click();
    await teacher.page.getByTestId('menu-mute-mic').click();
    await waitFor(async () => {
      const mic = await samProducer('mic');
      return mic?.paused && mic.pausedBy === 'staff' ? undefined : `student mic on the server: ${JSON.stringify(mic)}`;
    });
    await student.page.locator('[data-testid="media-mic"][data-state="paused"]').waitFor();
    assert.match(await student.page.getByTestId('media-notice').textContent() ?? '', /teacher turned off your microphone/);
    // Unmuting is refused until the teacher allows speaking again ("revoke", the default).
    assert.equal(await student.page.getByTestId('media-mic').isDisabled(), true);

    // The teacher shares a screen; the student decodes a second video stream.
    await teacher.page.getByTestId('media-screen').click();
    await student.page.locator(`[data-testid="tile-screen"][data-user="${tinaId}"]`).waitFor();
    await receiving(student.page, 2, 1, 'student receiving camera and screen');

    for (const a of apps) assert.deepEqual(a.problems, []);
  });

  it('media comes back by itself after a dropped connection (ICE restart) and after the SFU worker dies (new transports)', async () => {
    // Only the student goes through the proxy, so only the student's WebSocket drops.
    const { roomId, teacher, student } = await classOf('Drama', `https://127.0.0.1:${proxy.port}`);
    await teacher.page.getByTestId('media-camera').click();
    await receiving(student.page, 1, 0, 'student receiving the teacher');
    const pcs = () => student.page.evaluate(() => (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs.length);
    const decoded = async () => (await inbound(student.page)).filter((x) => x.kind === 'video').reduce((n, x) => n + x.framesDecoded, 0);
    const pcsBefore = await pcs();

    proxy.cut();
    await waitForConnection(student.page, 'reconnecting');
    proxy.restore();
    await waitForConnection(student.page, 'live', 20_000);
    const after = await decoded();
    await waitFor(async () => ((await decoded()) > after + 10 ? undefined : 'video stalled after the reconnect'), 20_000, 250);
    assert.equal(await pcs(), pcsBefore, 'same transports, ICE restarted: no new peer connection');

    const m = await server.admin('media');
    const pid = m.rooms.find((r: any) => r.roomId === roomId).routers[0].workerPid as number;
    process.kill(pid, 'SIGKILL');
    // The teacher republishes on new transports and the student receives on new ones, unasked.
    await waitFor(async () => ((await pcs()) > pcsBefore ? undefined : 'no new receive transport after the worker died'), 20_000, 250);
    await receiving(student.page, 1, 0, 'student receiving again after the worker restart');
    await teacher.page.locator('[data-testid="media-camera"][data-state="on"]').waitFor();
    for (const a of apps) assert.deepEqual(a.problems, []);
  });

  it('a student\'s camera follows them into a breakout group and back', async () => {
    const { roomId, student } = await classOf('Chemistry');
    await student.page.getByTestId('media-camera').click();
    await student.page.locator('[data-testid="media-camera"][data-state="on"]').waitFor();
    const samCamera = async (room: string) => {
      const m = await server.admin('media');
      const peer = m.rooms.find((r: any) => r.roomId === room)?.peers.find((p: any) => p.userId === samId);
      return peer?.producers.find((p: any) => p.source === 'camera' && !p.paused) ?? null;
    };
    await waitFor(async () => ((await samCamera(roomId)) ? undefined : 'no camera in the class room'));
    // Another staff member splits the class (over the protocol, so Tina's page keeps its seat).
    server.arrange((st) => st.rooms.enroll(roomId, st.users.require('andy').id, 'assistant'));
    const andy = await TestClient.connect(server, await server.login('andy'));
    try {
      await andy.join({ roomId });
      const { groups } = await andy.ok('breakout.start', { groups: 1 });
      const group = groups[0]!.roomId;
      await waitFor(async () => ((await samCamera(group)) ? undefined : 'camera not republished in the group'));
      assert.equal(await samCamera(roomId), null, 'nothing left behind in the class room');
      await andy.ok('breakout.end');
      await waitFor(async () => ((await samCamera(roomId)) ? undefined : 'camera not back in the class room'));
      await student.page.locator('[data-testid="media-camera"][data-state="on"]').waitFor();
    } finally {
      await andy.close();
    }
    for (const a of apps) assert.deepEqual(a.problems, []);
  });
});
