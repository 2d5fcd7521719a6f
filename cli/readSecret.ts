// Passwords for `user add` and `user passwd`: read from stdin (never from argv, where `ps`
// and shell history would see them), or generated and shown once.
import { randomBytes } from 'node:crypto';
import { passwordProblem, PASSWORD_MAX } from '../src/auth/secrets.js';
import { UserError } from '../src/errors.js';

/** Enough for any allowed password in UTF-8, and a bound on what a mistaken pipe can make us buffer. */
const STDIN_MAX_BYTES = PASSWORD_MAX * 4 + 2;

/** All of stdin, less one trailing newline ("\n" or "\r\n"), as `echo pw |` and files add one. */
export async function readStdinSecret(stdin: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stdin.isTTY) process.stderr.write('Password (then Enter and Ctrl-D): ');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin as AsyncIterable<Buffer | string>) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += b.length;
    if (size > STDIN_MAX_BYTES) {
      stdin.destroy();
      throw new UserError('BAD_PASSWORD', `The password on stdin is longer than ${PASSWORD_MAX} characters.`);
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** 12 random bytes: 96 bits, 16 URL-safe characters, easy to paste. */
export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** The new password, checked: from stdin when asked, else generated (and marked so, to be printed once). */
export async function obtainPassword(fromStdin: boolean | undefined): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: generatePassword(), generated: true };
  const password = await readStdinSecret();
  const problem = passwordProblem(password);
  if (problem) throw new UserError('BAD_PASSWORD', `${problem.replace(/\.$/, '')} (read from stdin); nothing was changed.`);
  return { password, generated: false };
}
