// `classroomctl doctor`: checks an installation and says, per check, what to do. It changes
// nothing: the database is opened read-only, ports are bound and released at once, and the
// one mediasoup worker it starts is closed again. Each check is a small function returning a
// line; only a failing check fails the command (warnings are for the operator to weigh).
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createServer, isIPv6 } from 'node:net';
import { createSocket } from 'node:dgram';
import type { Command } from 'commander';
import Database from 'better-sqlite3';
import { CONFIG_FILE, ConfigError, DB_FILE, loadConfig, type Config } from '../../src/config/config.js';
import { LATEST_VERSION } from '../../src/store/migrations.js';
import { resolveInDataDir } from '../../src/install/provision.js';
import { announcedAddress, probeWorker, workerBinary } from '../../src/media/MediaWorkers.js';
import { CliError } from '../CliError.js';
import { dataDirOf, output } from '../context.js';
import { readRuntime } from '../serverClient.js';

export type Status = 'ok' | 'warn' | 'fail';
export interface Check { readonly name: string; readonly status: Status; readonly detail: string }

const line = (name: string, status: Status, detail: string): Check => ({ name, status, detail });
const reason = (e: unknown) => (e as Error)?.message ?? String(e);

/** A certificate that expires sooner than this gets a warning: time to renew it calmly. */
const EXPIRY_WARN_DAYS = 14;
/** Media ports tried when no server holds them: enough to notice a busy range, still quick. */
const MEDIA_PORT_PROBES = 50;

function checkConfig(dataDir: string): { check: Check; config?: Config } {
  try {
    return { check: line('config', 'ok', `${join(dataDir, CONFIG_FILE)} is valid.`), config: loadConfig(dataDir) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    // A missing file's message already says to run init; a bad one needs fixing by hand.
    const fix = existsSync(join(dataDir, CONFIG_FILE)) ? ' Correct it (each field is explained in the file); the server will not start until it loads.' : '';
    return { check: line('config', 'fail', (/[.!?]$/.test(e.message) ? e.message : `${e.message}.`) + fix) };
  }
}

function checkDatabase(dataDir: string): Check {
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file)) return line('database', 'fail', `${file} is missing: run "classroomctl init", or restore a backup there.`);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_VERSION) {
      return line('database', 'fail', `Schema version ${version} is newer than this software knows (${LATEST_VERSION}): upgrade the software or restore a matching backup.`);
    }
    if (version < LATEST_VERSION) {
      return line('database', 'ok', `Schema version ${version}; the next start migrates it to ${LATEST_VERSION} (back up ${file} first to keep a way back).`);
    }
    return line('database', 'ok', `Schema version ${version}, the latest this software knows.`);
  } catch (e) {
    return line('database', 'fail', `${file} cannot be read (${reason(e)}): restore it from a backup.`);
  } finally {
    db?.close();
  }
}

function checkTls(dataDir: string, config: Config): Check {
  if (config.tls.mode === 'none') return line('tls', 'ok', 'tls.mode none: plain HTTP, for use behind a proxy that terminates TLS.');
  const certFile = resolveInDataDir(dataDir, config.tls.certFile);
  const keyFile = resolveInDataDir(dataDir, config.tls.keyFile);
  const renew = `put a valid certificate and its key at ${certFile} and ${keyFile} (tls.certFile, tls.keyFile), then restart the server`;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(certFile));
  } catch (e) {
    return line('tls', 'fail', `The certificate cannot be read (${reason(e)}): ${renew}.`);
  }
  try {
    if (!cert.checkPrivateKey(createPrivateKey(readFileSync(keyFile)))) {
      return line('tls', 'fail', `The key ${keyFile} does not belong to the certificate ${certFile}: ${renew}.`);
    }
  } catch (e) {
    return line('tls', 'fail', `The key cannot be read (${reason(e)}): ${renew}.`);
  }
  const expires = new Date(cert.validTo);
  const days = Math.ceil((expires.getTime() - Date.now()) / 86_400_000);
  const date = expires.toISOString().slice(0, 10);
  if (expires.getTime() <= Date.now()) return line('tls', 'fail', `The certificate expired on ${date}: ${renew}.`);
  if (days < EXPIRY_WARN_DAYS) return line('tls', 'warn', `The certificate expires on ${date}, in ${days} day${days === 1 ? '' : 's'}: ${renew}.`);
  return line('tls', 'ok', `tls.mode ${config.tls.mode}: certificate and key match; valid until ${date}.`);
}

/** The server this data directory's server.json names, if its process is alive. */
function runningServer(dataDir: string): { pid: number; url: string } | null {
  const rt = readRuntime(dataDir);
  return rt?.alive ? { pid: rt.pid, url: rt.url ?? '(no URL recorded)' } : null;
}

/** Binds and releases a port; null when it is free, else the error (EADDRINUSE: busy). */
function probeTcp(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(null)));
  });
}

function probeUdp(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const s = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    s.once('error', (e: NodeJS.ErrnoException) => { s.close(); resolve(e); });
    s.bind({ port, address: host, exclusive: true }, () => s.close(() => resolve(null)));
  });
}

async function checkPorts(config: Config, running: ReturnType<typeof runningServer>): Promise<Check> {
  if (running) return line('ports', 'ok', `Server running (pid ${running.pid}) at ${running.url}.`);
  // The listeners the server opens: HTTPS and its redirect, or plain HTTP alone.
  const wanted = (config.tls.mode === 'none' ? ['httpPort'] as const : ['httpsPort', 'httpPort'] as const)
    .map((key) => ({ key, port: config[key] })).filter((p) => p.port !== 0);
  for (const { key, port } of wanted) {
    const e = await probeTcp(port, config.host);
    if (!e) continue;
    const why = e.code === 'EADDRINUSE' ? `is in use by another program: stop it, or set ${key} in ${CONFIG_FILE} to a free port`
      : e.code === 'EACCES' ? `needs privileges (ports below 1024): choose ${key} of 1024 or more, or grant CAP_NET_BIND_SERVICE`
        : e.code === 'EADDRNOTAVAIL' ? `cannot be bound because host ${config.host} is not an address of this machine: correct host in ${CONFIG_FILE}`
          : `cannot be bound (${reason(e)}): check host and ${key} in ${CONFIG_FILE}`;
    return line('ports', 'fail', `Port ${port} (${key}) on ${config.host} ${why}.`);
  }
  const listed = wanted.map((p) => `${p.port} (${p.key})`).join(' and ');
  return line('ports', 'ok', `Server not running; ${listed ? `${listed} on ${config.host} can be bound` : 'ports are 0: the server picks free ones'}.`);
}

async function checkMedia(media: Config['media']): Promise<Check> {
  if (!media.enabled) return line('media', 'warn', 'Media disabled (media.enabled is false): classes run without audio, video and screen sharing.');
  const bin = workerBinary();
  if (!bin) return line('media', 'fail', 'mediasoup is not installed: run "npm ci" again.');
  if (!existsSync(bin)) {
    return line('media', 'fail', process.env.MEDIASOUP_WORKER_BIN
      ? `MEDIASOUP_WORKER_BIN names ${bin}, which does not exist: unset it or point it at a built mediasoup-worker.`
      : `The mediasoup worker is not built (no ${bin}): run "npm ci" again with Python 2.7 available; see scripts/mediasoup-worker.mjs.`);
  }
  try {
    const { pid, version } = await probeWorker(media);
    return line('media', 'ok', `mediasoup ${version} worker starts (a test worker ran as pid ${pid} and was stopped).`);
  } catch (e) {
    return line('media', 'fail', `The mediasoup worker ${bin} does not start (${reason(e)}): rebuild it with "npm ci"; see scripts/mediasoup-worker.mjs.`);
  }
}

async function checkMediaPorts(media: Config['media'], running: ReturnType<typeof runningServer>): Promise<Check> {
  if (!media.enabled) return line('media-ports', 'ok', 'Not checked: media disabled.');
  const range = `${media.rtcMinPort}-${media.rtcMaxPort}`;
  const notes: string[] = [];
  let status: Status = 'ok';
  if (running) {
    notes.push(`Server running: its workers use UDP and TCP ports ${range} on ${media.listenIp}; keep them open in the firewall.`);
  } else {
    const size = media.rtcMaxPort - media.rtcMinPort + 1;
    const n = Math.min(MEDIA_PORT_PROBES, size);
    const ports = Array.from({ length: n }, (_, i) => media.rtcMinPort + (n === 1 ? 0 : Math.round((i * (size - 1)) / (n - 1))));
    const busy: number[] = [];
    for (const port of ports) {
      const e = (await probeUdp(port, media.listenIp)) ?? (await probeTcp(port, media.listenIp));
      if (e && e.code !== 'EADDRINUSE') {
        return line('media-ports', 'fail', `Media ports on ${media.listenIp} cannot be bound (${reason(e)}): set media.listenIp to an address of this machine, or "0.0.0.0".`);
      }
      if (e) busy.push(port);
    }
    if (busy.length === ports.length) {
      return line('media-ports', 'fail', `All ${n} media ports probed in ${range} are in use: stop what holds them, or set media.rtcMinPort/rtcMaxPort to a free range.`);
    }
    if (busy.length > 0) {
      status = 'warn';
      notes.push(`${busy.length} of ${n} media ports probed in ${range} are in use (e.g. ${busy.slice(0, 3).join(', ')}): fewer calls fit; consider a free range (media.rtcMinPort/rtcMaxPort).`);
    } else {
      notes.push(`${n} media ports probed in ${range} are free on ${media.listenIp} (UDP and TCP); keep the range open in the firewall.`);
    }
  }
  if (media.announcedIp === null && media.listenIp === '0.0.0.0') {
    status = 'warn';
    notes.push(`Browsers are told ${announcedAddress(media)} (detected); browsers outside this machine need media.announcedIp set to the public address.`);
  }
  return line('media-ports', status, notes.join(' '));
}

function checkPdftoppm(): Check {
  const found = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'pdftoppm')).find((p) => {
    try { accessSync(p, constants.X_OK); return true; } catch { return false; }
  });
  return found ? line('pdftoppm', 'ok', `${found} renders PDF slides.`)
    : line('pdftoppm', 'warn', 'pdftoppm not found on PATH: PDF slides cannot be uploaded; install poppler-utils ("node scripts/system-deps.mjs run").');
}

export async function runChecks(dataDir: string): Promise<Check[]> {
  const { check: config, config: cfg } = checkConfig(dataDir);
  const checks = [config, checkDatabase(dataDir)];
  if (!cfg) {
    const later = ['tls', 'ports', 'media', 'media-ports'];
    return [...checks, ...later.map((name) => line(name, 'warn', 'Not checked: fix the config first.')), checkPdftoppm()];
  }
  const running = runningServer(dataDir);
  checks.push(checkTls(dataDir, cfg), await checkPorts(cfg, running), await checkMedia(cfg.media), await checkMediaPorts(cfg.media, running), checkPdftoppm());
  return checks;
}

export function registerDoctor(program: Command): void {
  program.command('doctor')
    .description('check the installation (config, database, TLS, ports, media, PDF tools) and say what to fix')
    .option('--json', 'print the checks as JSON')
    .action(async (f: { json?: boolean }, cmd: Command) => {
      const checks = await runChecks(dataDirOf(cmd.optsWithGlobals()));
      const failed = checks.filter((c) => c.status === 'fail');
      const width = Math.max(...checks.map((c) => c.name.length));
      output(f.json, { checks, ok: failed.length === 0 }, () =>
        checks.map((c) => `${c.status.padEnd(4)}  ${c.name.padEnd(width)}  ${c.detail}`).join('\n'));
      if (failed.length > 0) {
        throw new CliError('DOCTOR_FAILED', `${failed.length} check${failed.length === 1 ? '' : 's'} failed: ${failed.map((c) => c.name).join(', ')}.`,
          'Fix what the "fail" lines say, then run "classroomctl doctor" again.');
      }
    });
}
