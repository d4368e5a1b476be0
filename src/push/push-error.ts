/** Why a pushed body could not be turned into events. */
export type PushErrorCode = 'too-large' | 'too-many-parts' | 'malformed' | 'empty' | 'aborted' | 'unsupported'
  /** The process holds too many body bytes (see BodyBudget): answered 503, the device sends again. */
  | 'busy';

/** How much of a refused body an error keeps, so the user can look at what the device sent. */
export const RAW_KEEP_BYTES = 64 * 1024;

const NO_BYTES = Buffer.alloc(0);

/**
 * A body that could not be read or parsed. `raw` holds the body, or its first {@link RAW_KEEP_BYTES},
 * as a private copy (it never pins a larger request buffer in memory). The message never quotes the
 * body: it may carry names, plates and card numbers.
 */
export class PushError extends Error {
  code: PushErrorCode;
  raw: Buffer;
  contentType?: string;

  constructor(code: PushErrorCode, message: string, raw: Buffer = NO_BYTES, contentType?: string) {
    super(message);
    this.name = 'PushError';
    this.code = code;
    this.raw = raw;
    if (contentType !== undefined) this.contentType = contentType;
  }
}

/** A bounded private copy of the first bytes of `body`. */
export function rawExcerpt(body: Buffer | readonly Buffer[]): Buffer {
  const pieces = Buffer.isBuffer(body) ? [body] : body;
  let total = 0;
  for (const piece of pieces) total += piece.length;
  const out = Buffer.allocUnsafe(Math.min(total, RAW_KEEP_BYTES));
  let at = 0;
  for (const piece of pieces) {
    if (at >= out.length) break;
    at += piece.copy(out, at, 0, Math.min(piece.length, out.length - at));
  }
  return out;
}

/**
 * Turns anything thrown while parsing into a PushError (unexpected exceptions are parse failures of
 * the body) and fills in the raw bytes and content type when the thrower did not know them.
 */
export function asPushError(err: unknown, raw: () => Buffer, contentType: string | undefined): PushError {
  // an unexpected exception's message could quote the body, so it is not passed on
  const pushError = err instanceof PushError ? err : new PushError('malformed', `unreadable body (${err instanceof Error ? err.name : typeof err})`);
  if (pushError.raw.length === 0) pushError.raw = raw();
  if (pushError.contentType === undefined && contentType !== undefined) pushError.contentType = contentType;
  return pushError;
}
