import pino from 'pino';

export type Logger = pino.Logger;

/** JSON lines on stdout: what pm2 and journald collect. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
