// Passwords are stored as scrypt hashes; bearer tokens (sessions, invite codes, the control
// token) are 256-bit random values stored only as sha256 — their entropy makes a slow hash
// unnecessary, and a fast one keeps every WebSocket upgrade cheap.
import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;
// N=2^15 costs ~50 ms and 32 MiB here: slow for a guesser, fine for a sign-in.
const N = 32768, R = 8, P = 1, KEYLEN = 32;
const MAXMEM = 64 * 1024 * 1024;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

export function passwordProblem(pw: string): string | null {
  if (pw.length < PASSWORD_MIN) return `A password needs at least ${PASSWORD_MIN} characters.`;
  if (pw.length > PASSWORD_MAX) return `A password may have at most ${PASSWORD_MAX} characters.`;
  return null;
}

function format(salt: Buffer, hash: Buffer): string {
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export function hashPasswordSync(pw: string): string {
  const salt = randomBytes(16);
  return format(salt, scryptSync(pw, salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM }));
}

export async function hashPassword(pw: string): Promise<string> {
  const salt = randomBytes(16);
  return format(salt, await scryptAsync(pw, salt, KEYLEN, { N, r: R, p: P, maxmem: MAXMEM }));
}

export async function verifyPassword(pw: string, stored: string | null): Promise<boolean> {
  // Without a stored hash, still spend the time, so the response does not tell whether the account exists.
  const parts = (stored ?? DUMMY_HASH).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, saltB64, hashB64] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hashB64, 'base64');
  const got = await scryptAsync(pw, Buffer.from(saltB64, 'base64'), expected.length, {
    N: Number(n), r: Number(r), p: Number(p), maxmem: MAXMEM,
  });
  return stored !== null && got.length === expected.length && timingSafeEqual(got, expected);
}
const DUMMY_HASH = format(Buffer.alloc(16), Buffer.alloc(KEYLEN));

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Short, readable, unguessable-enough ids for rooms (50 bits; not a credential). */
export function newRoomId(): string {
  const alphabet = 'abcdefghijkmnpqrstuvwxyz23456789';
  const bytes = randomBytes(10);
  let s = '';
  for (const b of bytes) s += alphabet[b & 31];
  return s;
}
