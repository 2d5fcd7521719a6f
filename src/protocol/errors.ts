// The closed list of error and close codes shared by server, browser client and tests.
// Codes are stable strings for programs; every error also carries a sentence for people.

export const ErrorCode = {
  // Frame-level problems: the frame is dropped, the connection stays open.
  BAD_JSON: 'BAD_JSON',
  BAD_MESSAGE: 'BAD_MESSAGE',
  UNKNOWN_TYPE: 'UNKNOWN_TYPE',
  BINARY_NOT_SUPPORTED: 'BINARY_NOT_SUPPORTED',
  TOO_LARGE: 'TOO_LARGE',
  TOO_LONG: 'TOO_LONG',
  RATE_LIMITED: 'RATE_LIMITED',
  // Ordering problems.
  NOT_READY: 'NOT_READY',
  ALREADY_READY: 'ALREADY_READY',
  UNSUPPORTED_PROTOCOL: 'UNSUPPORTED_PROTOCOL',
  NOT_IN_ROOM: 'NOT_IN_ROOM',
  ALREADY_IN_ROOM: 'ALREADY_IN_ROOM',
  // Domain refusals.
  ROOM_NOT_FOUND: 'ROOM_NOT_FOUND',
  ROOM_CLOSED: 'ROOM_CLOSED',
  ROOM_FULL: 'ROOM_FULL',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  BAD_RECIPIENT: 'BAD_RECIPIENT',
  // Class management refusals.
  ROOM_LOCKED: 'ROOM_LOCKED',
  BARRED: 'BARRED',
  IN_BREAKOUT: 'IN_BREAKOUT',
  WAITING: 'WAITING',
  NOT_WAITING: 'NOT_WAITING',
  NOT_PARTICIPANT: 'NOT_PARTICIPANT',
  NO_SESSION: 'NO_SESSION',
  SESSION_RUNNING: 'SESSION_RUNNING',
  POLL_NOT_FOUND: 'POLL_NOT_FOUND',
  POLL_CLOSED: 'POLL_CLOSED',
  BAD_CHOICE: 'BAD_CHOICE',
  ALREADY_VOTED: 'ALREADY_VOTED',
  BREAKOUT_ACTIVE: 'BREAKOUT_ACTIVE',
  NO_BREAKOUT: 'NO_BREAKOUT',
  ALREADY_ALLOWED: 'ALREADY_ALLOWED',
  ALREADY_REQUESTED: 'ALREADY_REQUESTED',
  // Whiteboard refusals (from the board model, plus WB_UNKNOWN_ASSET).
  WB_UNKNOWN_PAGE: 'WB_UNKNOWN_PAGE',
  WB_UNKNOWN_OBJECT: 'WB_UNKNOWN_OBJECT',
  WB_DUPLICATE_ID: 'WB_DUPLICATE_ID',
  WB_LIMIT: 'WB_LIMIT',
  WB_LAST_PAGE: 'WB_LAST_PAGE',
  WB_BAD_OP: 'WB_BAD_OP',
  WB_NOTHING_TO_UNDO: 'WB_NOTHING_TO_UNDO',
  WB_NOTHING_TO_REDO: 'WB_NOTHING_TO_REDO',
  WB_UNKNOWN_ASSET: 'WB_UNKNOWN_ASSET',
  // Media refusals.
  /** The server runs without audio/video (disabled, or no SFU worker on this machine). */
  MEDIA_UNAVAILABLE: 'MEDIA_UNAVAILABLE',
  /** Out of order: media.capabilities and media.ready come first. */
  MEDIA_NOT_READY: 'MEDIA_NOT_READY',
  /** No such transport, producer or consumer of this participant (closed, or after a reset). */
  MEDIA_UNKNOWN: 'MEDIA_UNKNOWN',
  /** The SFU refused the RTP or DTLS parameters. */
  MEDIA_BAD_PARAMETERS: 'MEDIA_BAD_PARAMETERS',
  /** Already publishing that source: close it first. */
  MEDIA_SOURCE_BUSY: 'MEDIA_SOURCE_BUSY',
  /** This browser cannot decode that producer's codec. */
  MEDIA_CANNOT_CONSUME: 'MEDIA_CANNOT_CONSUME',
  // HTTP-only codes (login, invites).
  INVALID_CREDENTIALS: 'INVALID_CREDENTIALS',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  INVITE_INVALID: 'INVITE_INVALID',
  // A bug on our side; logged with its cause, never details to the client.
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * WebSocket close codes. 1000/1001 are the standard ones; 4xxx are ours and each means
 * one thing, so a client can decide whether to reconnect without parsing the reason.
 */
export const CloseCode = {
  NORMAL: 1000,
  /** Server shutting down or restarting: reconnect with backoff. */
  GOING_AWAY: 1001,
  /** Frame above the hard transport limit (ws closes with this itself). */
  MESSAGE_TOO_BIG: 1009,
  /** Client speaks a protocol version this server does not. Do not reconnect. */
  UNSUPPORTED_PROTOCOL: 4002,
  /** No hello within the hello timeout. */
  HELLO_TIMEOUT: 4003,
  /** Kept sending above the per-connection rate limit after RATE_LIMITED errors. */
  RATE_LIMITED: 4008,
  /** The same user joined the same room from another connection. Do not reconnect. */
  REPLACED: 4009,
  /** A teacher removed this participant. Do not reconnect. */
  REMOVED: 4010,
  /** The room was closed or deleted. Do not reconnect. */
  ROOM_CLOSED: 4011,
  /** The session token was revoked, expired or the account disabled. Sign in again. */
  SESSION_REVOKED: 4012,
  /** The client stopped reading and its send buffer passed the bound. Reconnect and resume. */
  SLOW_CONSUMER: 4013,
  /** A teacher declined this participant's entry from the waiting room. Do not reconnect. */
  DENIED: 4014,
  /** The teacher ended the class session. Do not reconnect. */
  CLASS_ENDED: 4015,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which an automatic reconnect would be wrong. */
export const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.UNSUPPORTED_PROTOCOL,
  CloseCode.REPLACED,
  CloseCode.REMOVED,
  CloseCode.ROOM_CLOSED,
  CloseCode.SESSION_REVOKED,
  CloseCode.DENIED,
  CloseCode.CLASS_ENDED,
]);
