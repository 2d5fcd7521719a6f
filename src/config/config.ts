// The installation's config: one JSONC file in the data directory. Every field has a unit and
// a default here, and the same words are written as comments into the generated file, so an
// operator never needs to look elsewhere to know what a number means.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';

const Port = z.number().int().min(0).max(65535);
const Pos = z.number().int().positive();

export const ConfigSchema = z.strictObject({
  /** Address to listen on. Default "0.0.0.0" (all IPv4 interfaces). */
  host: z.string().default('0.0.0.0'),
  /** Port of the plain-HTTP listener: redirects to HTTPS, or serves everything with tls.mode "none". Default 8080. 0 picks a free port. */
  httpPort: Port.default(8080),
  /** Port of the HTTPS listener (ignored with tls.mode "none"). Default 8443. 0 picks a free port. */
  httpsPort: Port.default(8443),
  /** The URL people open (used in invite links and the Origin check). Default "https://localhost:8443". */
  publicUrl: z.string().url().default('https://localhost:8443'),
  /** Extra Origins allowed to open the WebSocket besides publicUrl's and this server's own. Default []. */
  allowedOrigins: z.array(z.string()).default([]),
  tls: z.strictObject({
    /** "self-signed" (provisioned by init), "files" (certFile/keyFile you provide) or "none" (plain HTTP, behind a TLS proxy). Default "self-signed". */
    mode: z.enum(['self-signed', 'files', 'none']).default('self-signed'),
    /** PEM certificate chain, relative to the data directory or absolute. Default "tls/cert.pem". */
    certFile: z.string().default('tls/cert.pem'),
    /** PEM private key, relative to the data directory or absolute. Default "tls/key.pem". */
    keyFile: z.string().default('tls/key.pem'),
  }).prefault({}),
  auth: z.strictObject({
    /** Lifetime of a sign-in or invite session, in hours. Default 24. */
    sessionTtlHours: Pos.default(24),
    /** Failed sign-ins allowed per account per window before HTTP 429. Default 10. */
    maxFailuresPerAccount: Pos.default(10),
    /** Sign-in attempts allowed per client address per window. Default 30. */
    maxAttemptsPerAddress: Pos.default(30),
    /** Length of the sign-in rate-limit window, in minutes. Default 15. */
    loginWindowMinutes: Pos.default(15),
    /** How often live connections re-check that their session is still valid, in seconds. Default 10. */
    revalidateSeconds: Pos.default(10),
  }).prefault({}),
  ws: z.strictObject({
    /** Largest frame processed, in bytes; larger ones get a TOO_LARGE error and the connection stays. Default 65536. */
    maxPayloadBytes: Pos.default(65536),
    /** Largest frame buffered at all, in bytes; larger ones close the connection with 1009. Default 1048576. */
    hardMaxPayloadBytes: Pos.default(1048576),
    /** Interval between heartbeat pings, in seconds; a connection that misses one pong is dropped. Default 30. */
    heartbeatSeconds: Pos.default(30),
    /** Time a new connection has to send hello, in seconds. Default 10. */
    helloTimeoutSeconds: Pos.default(10),
    /** Sustained messages per second allowed per connection. Default 100 (whiteboard strokes stream at up to 60/s). */
    rateLimitPerSecond: Pos.default(100),
    /** Burst of messages allowed above the sustained rate. Default 200. */
    rateLimitBurst: Pos.default(200),
    /** RATE_LIMITED errors a connection may collect before it is closed with 4008. Default 50. */
    rateLimitStrikes: Pos.default(50),
    /** Unsent bytes queued for one connection before it is dropped as a slow consumer (4013). Default 4194304 (4 MiB). */
    maxBufferedBytes: Pos.default(4 * 1024 * 1024),
  }).prefault({}),
  rooms: z.strictObject({
    /** How long a dropped participant is shown as reconnecting before it is shown as left, in seconds. Default 30. */
    reconnectGraceSeconds: z.number().min(0).default(30),
    /** Capacity of rooms created without --capacity, in participants. Default 100. */
    defaultCapacity: Pos.default(100),
    /** Most events replayed on resume; a client further behind gets a fresh state instead. Default 5000. */
    replayLimit: Pos.default(5000),
  }).prefault({}),
  whiteboard: z.strictObject({
    /** Largest image upload, in bytes. Default 10485760 (10 MiB). */
    maxUploadBytes: Pos.default(10 * 1024 * 1024),
  }).prefault({}),
  media: z.strictObject({
    /** Audio, video and screen sharing through the built-in SFU. Default true; off, or without a built worker, the rest of the classroom runs. */
    enabled: z.boolean().default(true),
    /** mediasoup worker processes, each using one core; "auto" divides the machine's cores among server processes ($CLASSROOM_PROCESSES, default 1). Default "auto". */
    workers: z.union([z.literal('auto'), Pos.max(64)]).default('auto'),
    /** Local address media sockets bind to. Default "0.0.0.0" (all IPv4 interfaces). */
    listenIp: z.string().default('0.0.0.0'),
    /** Address given to browsers for media (the public IP behind NAT); null takes this machine's first non-internal IPv4 address. Default null. */
    announcedIp: z.string().nullable().default(null),
    /** First UDP/TCP port for media, inclusive. Default 40000. */
    rtcMinPort: z.number().int().min(1024).max(65535).default(40000),
    /** Last UDP/TCP port for media, inclusive; each transport uses one port. Default 49999. */
    rtcMaxPort: z.number().int().min(1024).max(65535).default(49999),
    /** Offer TCP candidates besides UDP (for networks that block UDP). Default true. */
    enableTcp: z.boolean().default(true),
    /** Bitrate the server starts sending at per transport, in bits per second; it adapts from there. Default 1000000. */
    initialOutgoingBitrate: Pos.default(1_000_000),
    /** Most a browser may send per transport, in bits per second (camera + screen together). Default 3000000. */
    maxIncomingBitrate: Pos.default(3_000_000),
    /** Participants per router before a room spreads to a router on another worker (producers are piped between them). Default 50. */
    peersPerRouter: Pos.default(50),
    /** What a teacher's mute does: "revoke" pauses the producer and takes the capability away (the student must ask again); "pause" only pauses it (the student may unmute). Default "revoke". */
    teacherMute: z.enum(['revoke', 'pause']).default('revoke'),
    /** STUN/TURN servers handed to browsers, as RTCIceServer objects ({urls, username?, credential?}). Default []. */
    iceServers: z.array(z.strictObject({
      urls: z.union([z.string(), z.array(z.string()).min(1)]),
      username: z.string().optional(),
      credential: z.string().optional(),
    })).default([]),
    /** A coturn server with use-auth-secret: short-lived credentials are minted per user. */
    turn: z.strictObject({
      /** TURN URLs, e.g. ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"]. Default [] (no TURN). */
      urls: z.array(z.string()).default([]),
      /** coturn's static-auth-secret. Default null (no TURN). */
      secret: z.string().nullable().default(null),
      /** Lifetime of minted TURN credentials, in seconds. Default 86400. */
      ttlSeconds: Pos.default(86400),
    }).prefault({}),
  }).superRefine((m, ctx) => {
    if (m.rtcMaxPort < m.rtcMinPort) ctx.addIssue({ code: 'custom', path: ['rtcMaxPort'], message: 'must be at least rtcMinPort' });
  }).prefault({}),
  log: z.strictObject({
    /** "fatal", "error", "warn", "info", "debug" or "trace". Default "info". */
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  }).prefault({}),
});
export type Config = z.infer<typeof ConfigSchema>;

export const CONFIG_FILE = 'config.jsonc';
export const DB_FILE = 'classroom.db';
export const CONTROL_TOKEN_FILE = 'control.token';
/** Written by a running server: {pid, urls, startedAt}; removed when it stops. */
export const RUNTIME_FILE = 'server.json';

/** Data directory: --data-dir, else $CLASSROOM_HOME, else ~/.classroom. */
export function resolveDataDir(flag?: string): string {
  return flag ?? process.env.CLASSROOM_HOME ?? join(homedir(), '.classroom');
}

export class ConfigError extends Error {}

export function loadConfig(dataDir: string): Config {
  const file = join(dataDir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ConfigError(`No installation at ${dataDir} (missing ${CONFIG_FILE}). Run "classroomctl init" first.`);
  }
  return parseConfig(text, file);
}

export function parseConfig(text: string, file = CONFIG_FILE): Config {
  const errors: ParseError[] = [];
  const raw: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  if (errors.length > 0) {
    const e = errors[0]!;
    throw new ConfigError(`${file}: ${printParseErrorCode(e.error)} at offset ${e.offset}.`);
  }
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The generated config file: every field with its meaning, unit and default as a comment. */
export function renderConfig(c: Config): string {
  const j = (v: unknown) => JSON.stringify(v);
  return `// Classroom configuration. JSON with comments; restart the server after editing.
// Every field is optional: a missing field takes the default written beside it.
{
  // Address to listen on. Default "0.0.0.0" (all IPv4 interfaces).
  "host": ${j(c.host)},
  // Plain-HTTP port: redirects to HTTPS, or serves everything when tls.mode is "none". Default 8080.
  "httpPort": ${j(c.httpPort)},
  // HTTPS port (unused when tls.mode is "none"). Default 8443.
  "httpsPort": ${j(c.httpsPort)},
  // The URL people open: used in invite links and to check the WebSocket Origin. Default "https://localhost:8443".
  "publicUrl": ${j(c.publicUrl)},
  // Extra browser Origins allowed to open the WebSocket, e.g. ["https://lms.example.org"]. Default [].
  "allowedOrigins": ${j(c.allowedOrigins)},
  "tls": {
    // "self-signed" (made by init), "files" (your certificate) or "none" (behind a TLS proxy). Default "self-signed".
    "mode": ${j(c.tls.mode)},
    // PEM certificate chain, relative to the data directory or absolute. Default "tls/cert.pem".
    "certFile": ${j(c.tls.certFile)},
    // PEM private key, relative to the data directory or absolute. Default "tls/key.pem".
    "keyFile": ${j(c.tls.keyFile)}
  },
  "auth": {
    // Lifetime of a sign-in or invite session, in hours. Default 24.
    "sessionTtlHours": ${j(c.auth.sessionTtlHours)},
    // Failed sign-ins per account per window before sign-in is refused (HTTP 429). Default 10.
    "maxFailuresPerAccount": ${j(c.auth.maxFailuresPerAccount)},
    // Sign-in attempts per client address per window. Default 30.
    "maxAttemptsPerAddress": ${j(c.auth.maxAttemptsPerAddress)},
    // Length of the sign-in rate-limit window, in minutes. Default 15.
    "loginWindowMinutes": ${j(c.auth.loginWindowMinutes)},
    // How often live connections re-check their session (revoked, expired, disabled), in seconds. Default 10.
    "revalidateSeconds": ${j(c.auth.revalidateSeconds)}
  },
  "ws": {
    // Largest WebSocket frame processed, in bytes; larger ones get a TOO_LARGE error. Default 65536.
    "maxPayloadBytes": ${j(c.ws.maxPayloadBytes)},
    // Largest frame buffered at all, in bytes; larger ones close the connection (1009). Default 1048576.
    "hardMaxPayloadBytes": ${j(c.ws.hardMaxPayloadBytes)},
    // Heartbeat ping interval, in seconds; a connection that misses a pong is dropped. Default 30.
    "heartbeatSeconds": ${j(c.ws.heartbeatSeconds)},
    // Time a new connection has to say hello, in seconds. Default 10.
    "helloTimeoutSeconds": ${j(c.ws.helloTimeoutSeconds)},
    // Sustained messages per second per connection. Default 100.
    "rateLimitPerSecond": ${j(c.ws.rateLimitPerSecond)},
    // Burst of messages allowed above the sustained rate. Default 200.
    "rateLimitBurst": ${j(c.ws.rateLimitBurst)},
    // RATE_LIMITED errors a connection may collect before it is closed (4008). Default 50.
    "rateLimitStrikes": ${j(c.ws.rateLimitStrikes)},
    // Unsent bytes queued for one connection before it is dropped as a slow consumer (4013). Default 4194304.
    "maxBufferedBytes": ${j(c.ws.maxBufferedBytes)}
  },
  "rooms": {
    // Seconds a dropped participant shows as "reconnecting" before it shows as left. Default 30.
    "reconnectGraceSeconds": ${j(c.rooms.reconnectGraceSeconds)},
    // Capacity of rooms created without --capacity, in participants. Default 100.
    "defaultCapacity": ${j(c.rooms.defaultCapacity)},
    // Most events replayed on a resume; a client further behind reloads a fresh state. Default 5000.
    "replayLimit": ${j(c.rooms.replayLimit)}
  },
  "whiteboard": {
    // Largest image upload (PNG or JPEG), in bytes. Default 10485760 (10 MiB).
    "maxUploadBytes": ${j(c.whiteboard.maxUploadBytes)}
  },
  "media": {
    // Audio, video and screen sharing through the built-in SFU. Default true.
    "enabled": ${j(c.media.enabled)},
    // mediasoup worker processes (one core each); "auto" divides the cores among server processes. Default "auto".
    "workers": ${j(c.media.workers)},
    // Local address media sockets bind to. Default "0.0.0.0".
    "listenIp": ${j(c.media.listenIp)},
    // Address browsers send media to (your public IP behind NAT); null = this machine's first non-internal IPv4. Default null.
    "announcedIp": ${j(c.media.announcedIp)},
    // UDP/TCP port range for media, inclusive; open it in the firewall. Defaults 40000 and 49999.
    "rtcMinPort": ${j(c.media.rtcMinPort)},
    "rtcMaxPort": ${j(c.media.rtcMaxPort)},
    // Offer TCP candidates besides UDP, for networks that block UDP. Default true.
    "enableTcp": ${j(c.media.enableTcp)},
    // Bitrate the server starts sending at per transport, in bits/s. Default 1000000.
    "initialOutgoingBitrate": ${j(c.media.initialOutgoingBitrate)},
    // Most a browser may send per transport, in bits/s. Default 3000000.
    "maxIncomingBitrate": ${j(c.media.maxIncomingBitrate)},
    // Participants per router before a room spreads to another worker. Default 50.
    "peersPerRouter": ${j(c.media.peersPerRouter)},
    // Teacher's mute: "revoke" (pause and take the capability; the student asks again) or "pause" (student may unmute). Default "revoke".
    "teacherMute": ${j(c.media.teacherMute)},
    // STUN/TURN servers for browsers, e.g. [{"urls": "stun:stun.example.org:3478"}]. Default [].
    "iceServers": ${j(c.media.iceServers)},
    "turn": {
      // coturn URLs, e.g. ["turn:turn.example.org:3478"]; see docs/media.md. Default [].
      "urls": ${j(c.media.turn.urls)},
      // coturn's static-auth-secret; per-user credentials are minted from it. Default null.
      "secret": ${j(c.media.turn.secret)},
      // Lifetime of minted TURN credentials, in seconds. Default 86400.
      "ttlSeconds": ${j(c.media.turn.ttlSeconds)}
    }
  },
  "log": {
    // "fatal", "error", "warn", "info", "debug", "trace" or "silent". Default "info".
    "level": ${j(c.log.level)}
  }
}
`;
}

export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}
