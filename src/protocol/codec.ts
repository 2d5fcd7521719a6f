// Decoding of incoming frames, shared by the server and tests. Validates once, at the edge:
// everything after this sees a typed ClientMessage.
import type { z } from 'zod';
import { ClientMessage } from './messages.js';
import { ErrorCode } from './errors.js';

export type DecodeResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; re: string | null; code: ErrorCode; message: string };

const KNOWN_TYPES: ReadonlySet<string> = new Set(ClientMessage.options.map((o) => o.shape.type.value));

export function decodeClientMessage(text: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, re: null, code: ErrorCode.BAD_JSON, message: 'The frame is not valid JSON.' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, re: null, code: ErrorCode.BAD_MESSAGE, message: 'A message must be a JSON object.' };
  }
  const obj = raw as Record<string, unknown>;
  // Echo the request id back when it is usable, so the client can match the error.
  const re = typeof obj.id === 'string' && obj.id.length > 0 && obj.id.length <= 64 ? obj.id : null;
  if (typeof obj.type !== 'string' || !KNOWN_TYPES.has(obj.type)) {
    const shown = typeof obj.type === 'string' ? JSON.stringify(obj.type.slice(0, 40)) : 'missing';
    return { ok: false, re, code: ErrorCode.UNKNOWN_TYPE, message: `Unknown message type (${shown}).` };
  }
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success) return { ok: false, re, ...describeIssues(parsed.error) };
  return { ok: true, message: parsed.data };
}

function describeIssues(error: z.ZodError): { code: ErrorCode; message: string } {
  const issue = error.issues[0]!;
  const path = issue.path.join('.') || '(message)';
  if (issue.code === 'too_big' && issue.origin === 'string') {
    return { code: ErrorCode.TOO_LONG, message: `${path} is longer than ${String(issue.maximum)} characters.` };
  }
  return { code: ErrorCode.BAD_MESSAGE, message: `${path}: ${issue.message}` };
}
