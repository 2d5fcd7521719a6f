// Composition root: config → store → rooms → HTTP/WebSocket. One process; later issues add
// the bus and media here without the domains knowing.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONTROL_TOKEN_FILE, DB_FILE, RUNTIME_FILE, loadConfig, type Config } from '../config/config.js';
import { openDb } from '../store/db.js';
import { UserStore } from '../auth/UserStore.js';
import { RoomStore } from '../rooms/RoomStore.js';
import { RoomLog } from '../rooms/RoomLog.js';
import { RoomManager } from '../rooms/RoomManager.js';
import { sweepStalePresence } from '../rooms/presence.js';
import { ClassStore } from '../class/ClassStore.js';
import { armBreakoutTimer } from '../class/breakouts.js';
import { BoardStore } from '../whiteboard/LiveBoard.js';
import { AssetStore } from '../whiteboard/assets.js';
import { resolveInDataDir } from '../install/provision.js';
import type { Services } from '../rooms/types.js';
import { MediaService } from '../media/MediaService.js';
import { closePdfThread } from '../whiteboard/pdfThread.js';
import { createLogger } from './log.js';
import { Gateway } from './gateway.js';
import { Api } from './api.js';
import { redirectHandler, requestHandler } from './http.js';
import { loadStatic } from './static.js';

export interface ServeOverrides { httpPort?: number; httpsPort?: number; host?: string }

export interface RunningServer {
  config: Config;
  urls: { https: string | null; http: string };
  close(): Promise<void>;
}

// Built to dist/src/server/run.js; the app is bundled into dist/public.
const PUBLIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'public');

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startServer(dataDir: string, overrides: ServeOverrides = {}): Promise<RunningServer> {
  const base = loadConfig(dataDir);
  const config: Config = {
    ...base,
    host: overrides.host ?? base.host,
    httpPort: overrides.httpPort ?? base.httpPort,
    httpsPort: overrides.httpsPort ?? base.httpsPort,
  };
  const log = createLogger(config.log.level);
  const db = openDb(join(dataDir, DB_FILE));
  const roomLog = new RoomLog(db);
  const classes = new ClassStore(db);
  const boards = new BoardStore(db);
  const media = new MediaService(config.media, log);
  const services: Services = {
    config,
    users: new UserStore(db),
    rooms: new RoomStore(db),
    log: roomLog,
    classes,
    assets: new AssetStore(db, dataDir),
    boards,
    media,
    live: new RoomManager(roomLog, {
      graceMs: config.rooms.reconnectGraceSeconds * 1000,
      classStore: classes,
      boardStore: boards,
      onOpen: (room) => armBreakoutTimer(services, room),
      observer: media,
    }),
  };
  media.bind((roomId) => services.live.get(roomId));
  // Never throws: without a worker the classroom runs without audio/video and says so.
  const mediaStatus = await media.start();
  if (!mediaStatus.available) log.warn({ reason: mediaStatus.reason }, 'audio and video unavailable');
  const swept = sweepStalePresence(db, roomLog);
  if (swept > 0) log.info({ swept }, 'closed attendance left open by the previous run');
  services.users.purgeExpiredSessions();

  const gateway = new Gateway(services, log);
  const controlToken = readFileSync(join(dataDir, CONTROL_TOKEN_FILE), 'utf8').trim();
  const api = new Api(services, gateway, controlToken);
  let ready = false;
  const deps = { api, log, app: loadStatic(PUBLIC_DIR), ready: () => ready };
  if (!deps.app.index) log.warn({ dir: PUBLIC_DIR }, 'browser app not built: run "npm run build"');

  const servers: Server[] = [];
  const local = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const urls: RunningServer['urls'] = { https: null, http: '' };
  try {
    if (config.tls.mode === 'none') {
      const http = createHttpServer(requestHandler(deps, false));
      http.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head, false));
      servers.push(http);
      urls.http = `http://${local}:${await listen(http, config.httpPort, config.host)}`;
    } else {
      const https = createHttpsServer({
        cert: readFileSync(resolveInDataDir(dataDir, config.tls.certFile)),
        key: readFileSync(resolveInDataDir(dataDir, config.tls.keyFile)),
      }, requestHandler(deps, true));
      https.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head, true));
      servers.push(https);
      const httpsPort = await listen(https, config.httpsPort, config.host);
      urls.https = `https://${local}:${httpsPort}`;
      const http = createHttpServer(redirectHandler(httpsPort));
      servers.push(http);
      urls.http = `http://${local}:${await listen(http, config.httpPort, config.host)}`;
    }
  } catch (e) {
    for (const s of servers) s.close();
    await media.close();
    db.close();
    throw e;
  }
  for (const s of servers) {
    // Slowloris bounds: a client gets 10 s to send its headers and 30 s for the whole request.
    s.headersTimeout = 10_000;
    s.requestTimeout = 30_000;
  }
  ready = true;
  log.info({ urls, publicUrl: config.publicUrl }, 'listening');
  // Where this process really listens (ports may be 0 in the config): classroomctl reads it
  // to reach the running server.
  const runtimeFile = join(dataDir, RUNTIME_FILE);
  writeFileSync(`${runtimeFile}.tmp`, JSON.stringify({ pid: process.pid, urls, startedAt: new Date().toISOString() }) + '\n', { mode: 0o600 });
  renameSync(`${runtimeFile}.tmp`, runtimeFile);

  return {
    config,
    urls,
    async close() {
      ready = false;
      try {
        if ((JSON.parse(readFileSync(runtimeFile, 'utf8')) as { pid: number }).pid === process.pid) rmSync(runtimeFile);
      } catch { /* already gone */ }
      for (const s of servers) s.close();
      await gateway.close();
      services.live.flushAll();
      await media.close();
      await closePdfThread();
      for (const s of servers) s.closeAllConnections();
      db.close();
      log.info('stopped');
    },
  };
}

/** `classroomctl serve`: start, say ready (to people, tests and pm2), stop cleanly on a signal. */
export async function runUntilSignal(dataDir: string, overrides: ServeOverrides = {}): Promise<void> {
  const server = await startServer(dataDir, overrides);
  process.stdout.write(`classroom ready ${JSON.stringify(server.urls)}\n`);
  // With port 0 in the config (tests) the public URL cannot know the port: show the real one.
  const open = /:0\/?$/.test(server.config.publicUrl) ? (server.urls.https ?? server.urls.http) : server.config.publicUrl;
  process.stdout.write(`Open ${open} in a browser (Ctrl+C stops the server).\n`);
  process.send?.('ready');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      process.stdout.write(`classroom stopping (${signal})\n`);
      server.close().then(resolve, (e: unknown) => {
        process.stderr.write(`error while stopping: ${String(e)}\n`);
        process.exitCode = 1;
        resolve();
      });
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
