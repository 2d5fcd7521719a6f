// The error taxonomy. A UserError is a refusal the person can act on: it goes back to the
// client as {code, message} and changes nothing. Anything else thrown is a bug: logged with
// its cause, reported to the client only as INTERNAL.
import type { ErrorCode } from './protocol/errors.js';

export class UserError extends Error {
  constructor(
    readonly code: ErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}
