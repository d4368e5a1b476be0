/** Parsing a complete push body held in memory. */
import { boundaryParam } from './content-type';
import { parseEventDocument } from './event-document';
import type { HikEvent } from './hik-event';
import { MultipartCollector } from './multipart-collector';
import { MultipartFramer } from './multipart-framer';
import { asPushError, PushError, rawExcerpt } from './push-error';
import { resolveLimits, type PushLimits } from './push-limits';
import { sniffBody, type BodyKind } from './sniff-body';

export interface ParsePushBodyOptions {
  /** Keep picture bytes (default true); false returns `images: []` and skips them cheaply. */
  images?: boolean;
  /** Overrides of DEFAULT_PUSH_LIMITS. */
  limits?: Partial<PushLimits>;
}

/**
 * Synchronous parse of a complete body (used by readPush for non-multipart bodies, by fuzz tests and
 * benchmarks). The body's first bytes decide its format; `contentType` only supplies the multipart
 * boundary (the body's first line does when the header has none) and tells urlencoded forms apart.
 * Pictures are slices of `body`, not copies. Throws PushError.
 */
export function parsePushBody(body: Buffer, contentType: string | undefined, options: ParsePushBodyOptions = {}): HikEvent[] {
  try {
    const limits = resolveLimits(options.limits);
    if (body.length > limits.maxBodyBytes) throw new PushError('too-large', `body larger than ${limits.maxBodyBytes} bytes`);
    return parseSniffedBody(body, sniffBody(body, contentType), contentType, options.images !== false, limits);
  } catch (err) {
    throw asPushError(err, () => rawExcerpt(body), contentType);
  }
}

/** The body parsed as `kind`; errors come without raw bytes (the caller adds them). */
export function parseSniffedBody(
  body: Buffer,
  kind: BodyKind,
  contentType: string | undefined,
  images: boolean,
  limits: PushLimits,
): HikEvent[] {
  switch (kind) {
    case 'empty':
      throw new PushError('empty', 'empty body');
    case 'jpeg':
      throw new PushError('unsupported', 'body is a bare JPEG picture without an event');
    case 'unknown':
      throw new PushError('malformed', 'body is neither XML, JSON, multipart nor a urlencoded form');
    case 'multipart': {
      const collector = new MultipartCollector(images, limits);
      const framer = new MultipartFramer(collector, boundaryParam(contentType));
      framer.write(body);
      framer.end();
      return collector.finish(framer.sawDelimiter);
    }
    case 'xml':
    case 'json':
    case 'form':
      if (body.length > limits.maxEventBytes) throw new PushError('too-large', `event body larger than ${limits.maxEventBytes} bytes`);
      return parseEventDocument(body, true, limits.maxEvents);
  }
}
