/**
 * A streaming multipart splitter built for what Hikvision devices actually send, which is often not
 * RFC 2046: the header's boundary in another letter case than the body's, no boundary in the header
 * at all, LF instead of CRLF, duplicated `--boundary` lines, empty parts, parts without any
 * Content-Disposition, and bodies that end without the closing `--boundary--`.
 *
 * It frames on the boundary only (part Content-Length is ignored: devices count a trailing newline
 * on XML parts). Part data is handed on as slices of the written chunks, never copied; the search
 * is Buffer.indexOf (native). Only a few bytes that might begin a delimiter are held back between
 * chunks. An unfinished preamble or header line is gathered until its newline comes and only then
 * scanned, so lines trickled in a byte at a time cost linear time.
 */
import { BodyChunks } from '../net/body-chunks';
import { PushError } from './push-error';

/** Receives the parts in order. Throwing from a callback stops the framer (the error propagates). */
export interface PartSink {
  /** Header lines of a new part (possibly none), as sent, without line ends. */
  partStart(headerLines: string[]): void;
  /** Bytes of the current part; a slice of a written chunk that stays valid. */
  partData(chunk: Buffer): void;
  partEnd(): void;
}

const LF = 0x0a, CR = 0x0d, DASH = 0x2d, SPACE = 0x20, TAB = 0x09;
/** Part headers (and preamble lines) longer than this are not multipart. */
export const MAX_PART_HEADER_BYTES = 16 * 1024;
const MAX_BOUNDARY_LENGTH = 200;
/** Transport padding allowed after a delimiter before its line end. */
const MAX_DELIMITER_PADDING = 256;
const EMPTY = Buffer.alloc(0);
const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+[ \t]*:/;

const enum State { Preamble, Headers, Body, Done, Between }

type DelimiterTail = { kind: 'open'; next: number } | { kind: 'close' } | { kind: 'more' } | { kind: 'none' };

export class MultipartFramer implements LengthFraming {
  private state = State.Preamble;
  /** In state Body: bytes that may begin a delimiter, kept from the previous write. */
  private carry: Buffer | null = null;
  /** In states Preamble and Headers: the unfinished line, gathered until its newline arrives. */
  private lineCarry: BodyChunks | null = null;
  /** `\n--` + the boundary as the body spells it. */
  private needle: Buffer = EMPTY;
  private boundaryLower = '';
  /** How many leading bytes of `carry` are framing, not part data (the newline ending the headers). */
  private carrySkip = 0;
  private headerLines: string[] = [];
  private headerBytes = 0;
  /** Whether the headers just read ended with a blank line (else the data began on a non-header line). */
  private headersEndedBlank = false;
  private preambleLines = 0;
  private delimiterSeen = false;
  /** A blank line came right after the delimiter: the part's headers may still follow it. */
  private blankBeforeHeaders = false;

  /** @param headerBoundary the boundary from Content-Type, if it named one */
  constructor(private readonly sink: PartSink, private readonly headerBoundary: string | undefined) {}

  /** True once a delimiter line was found (the body really was multipart). */
  get sawDelimiter(): boolean {
    return this.delimiterSeen;
  }

  write(chunk: Buffer): void {
    if (this.state === State.Done || chunk.length === 0) return;
    const line = this.lineCarry;
    if (line) {
      const lf = chunk.indexOf(LF);
      if (lf === -1) {
        // still the same line: gather it, look at it once it is whole
        line.add(chunk);
        this.checkLineLength(line.bytes);
        return;
      }
      this.lineCarry = null;
      this.process(Buffer.concat([line.concat(), chunk]), false, 0);
      return;
    }
    const carry = this.carry;
    const skip = this.carrySkip;
    this.carry = null;
    this.carrySkip = 0;
    if (!carry) {
      this.process(chunk, false, 0);
    } else if (this.state === State.Body && !this.delimiterMayStraddle(carry, chunk)) {
      // the held-back bytes turned out to be plain data: no copy of the new chunk needed
      if (carry.length > skip) this.sink.partData(carry.subarray(skip));
      this.process(chunk, false, 0);
    } else {
      this.process(Buffer.concat([carry, chunk]), false, skip);
    }
  }

  /** The body ended: whatever is open ends here (a missing closing delimiter is not an error). */
  end(): void {
    if (this.state === State.Done) return;
    const rest = this.lineCarry?.concat() ?? this.carry ?? EMPTY;
    this.lineCarry = null;
    const skip = this.carrySkip;
    this.carry = null;
    this.carrySkip = 0;
    this.process(rest, true, skip);
    this.state = State.Done;
  }

  /** See LengthFraming. */
  get heldBackBytes(): number {
    return this.state === State.Body && this.carry ? this.carry.length - this.carrySkip : 0;
  }

  /** See LengthFraming. */
  endPartAfter(dataBytes: number): boolean {
    if (this.state !== State.Body) return false;
    const carry = this.carry ?? EMPTY;
    const from = this.carrySkip;
    const end = Math.min(carry.length, from + Math.max(0, dataBytes));
    if (end > from) this.sink.partData(carry.subarray(from, end));
    this.sink.partEnd();
    this.carry = end < carry.length ? carry.subarray(end) : null;
    this.carrySkip = 0;
    this.state = State.Between;
    return true;
  }

  /**
   * After a part ended by its length: skips line ends (and anything else up to a line that is this
   * body's delimiter); returns the position after the delimiter line, or -1 when the buffer is used up.
   */
  private readBetween(buf: Buffer, from: number, eof: boolean): number {
    let pos = from;
    for (;;) {
      const lineEnd = buf.indexOf(LF, pos);
      if (lineEnd === -1) {
        if (eof) {
          this.state = State.Done;
          return -1;
        }
        if (buf.length - pos > MAX_PART_HEADER_BYTES) throw new PushError('malformed', 'multipart data after a part longer than its Content-Length');
        if (pos < buf.length) this.carry = buf.subarray(pos);
        return -1;
      }
      const line = lineText(buf, pos, lineEnd, 'latin1');
      pos = lineEnd + 1;
      if (line.startsWith('--') && this.isDelimiterLine(line)) {
        if (line.length === this.boundaryLower.length + 4 && line.endsWith('--')) {
          this.state = State.Done;
          return -1;
        }
        this.state = State.Headers;
        return pos;
      }
    }
  }

  /** Whether a delimiter can begin inside the held-back bytes or right at the start of the chunk. */
  private delimiterMayStraddle(carry: Buffer, chunk: Buffer): boolean {
    const needle = this.needle;
    if (chunk.length <= needle.length + MAX_DELIMITER_PADDING) return true; // small: just join them
    const joint = Buffer.concat([carry, chunk.subarray(0, needle.length + 1)]);
    const at = joint.indexOf(needle);
    return at !== -1 && at <= carry.length;
  }

  /** @param bodyDataFrom in state Body: where in `buf` the part's data starts */
  private process(buf: Buffer, eof: boolean, bodyDataFrom: number): void {
    let pos = 0;
    // in Body: where part data starts, and where to look for the delimiter's newline (one byte
    // earlier right after the headers, so an empty part's delimiter is found)
    let dataFrom = bodyDataFrom;
    let scanFrom = 0;
    for (;;) {
      switch (this.state) {
        case State.Done:
          return;
        case State.Preamble: {
          const next = this.readPreamble(buf, pos, eof);
          if (next === -1) return;
          pos = next;
          break;
        }
        case State.Headers: {
          const next = this.readHeaders(buf, pos, eof);
          if (next === -1) return;
          // next points at the byte after the blank line's LF, or at a line that is not a header
          dataFrom = next;
          scanFrom = this.headersEndedBlank ? next - 1 : next;
          pos = next;
          break;
        }
        case State.Body: {
          const next = this.readBody(buf, dataFrom, scanFrom, eof);
          if (next === -1) return;
          pos = next;
          break;
        }
        case State.Between: {
          const next = this.readBetween(buf, pos, eof);
          if (next === -1) return;
          pos = next;
          break;
        }
      }
    }
  }

  /** Returns the position after the opening delimiter line, or -1 when this buffer is used up. */
  private readPreamble(buf: Buffer, from: number, eof: boolean): number {
    let pos = from;
    for (;;) {
      let lineEnd = buf.indexOf(LF, pos);
      if (lineEnd === -1) {
        if (!eof) {
          this.holdLine(buf.subarray(pos));
          return -1;
        }
        lineEnd = buf.length; // a last line without its newline
      }
      const line = lineText(buf, pos, lineEnd, 'latin1');
      pos = Math.min(lineEnd + 1, buf.length);
      if (line !== '' && this.adoptDelimiter(line, this.preambleLines++ === 0)) {
        if (this.state === State.Done) return -1;
        this.state = State.Headers;
        return pos;
      }
      if (lineEnd >= buf.length) {
        this.state = State.Done;
        return -1;
      }
    }
  }

  /**
   * Takes the boundary from a `--token` line: the header's boundary in any letter case, else (no
   * boundary in the header, or the body's first line disagrees with it) the token the body uses.
   */
  private adoptDelimiter(line: string, firstLine: boolean): boolean {
    if (!line.startsWith('--')) return false;
    let token = line.slice(2);
    if (token.length === 0 || token.length > MAX_BOUNDARY_LENGTH || !/^[\x21-\x7e][\x20-\x7e]*$/.test(token)) return false;
    let closing = false;
    const wanted = this.headerBoundary?.toLowerCase();
    const lower = token.toLowerCase();
    if (wanted !== undefined && lower !== wanted) {
      if (lower === `${wanted}--`) {
        token = token.slice(0, -2);
        closing = true;
      } else if (!firstLine) {
        return false;
      }
    }
    this.needle = Buffer.from(`\n--${token}`, 'latin1');
    this.boundaryLower = token.toLowerCase();
    this.delimiterSeen = true;
    if (closing) this.state = State.Done;
    return true;
  }

  /**
   * Collects header lines up to the blank line; returns the position where the part's data starts,
   * or -1 when this buffer is used up (or the body ended).
   */
  private readHeaders(buf: Buffer, from: number, eof: boolean): number {
    let pos = from;
    for (;;) {
      const lineEnd = buf.indexOf(LF, pos);
      if (lineEnd === -1) {
        if (eof) {
          // headers cut off by the end of the body: the part never began
          this.state = State.Done;
          return -1;
        }
        this.holdLine(buf.subarray(pos));
        return -1;
      }
      this.headerBytes += lineEnd + 1 - pos;
      if (this.headerBytes > MAX_PART_HEADER_BYTES) throw new PushError('malformed', 'multipart part headers too long');
      const line = lineText(buf, pos, lineEnd, 'utf8');
      if (line === '') {
        if (this.headerLines.length === 0 && !this.blankBeforeHeaders) {
          // a blank line straight after the delimiter: a part without headers, or (some devices)
          // the part's headers follow it; the next line tells
          this.blankBeforeHeaders = true;
          pos = lineEnd + 1;
          continue;
        }
        if (this.headerLines.length === 0) {
          // a part without headers whose data begins with this blank line
          this.headersEndedBlank = false;
          this.beginPart();
          return pos;
        }
        this.headersEndedBlank = true;
        this.beginPart();
        return lineEnd + 1;
      }
      if (line.startsWith('--') && this.isDelimiterLine(line)) {
        // a duplicated delimiter line: the part starts after it
        this.headerLines = [];
        this.headerBytes = 0;
        this.blankBeforeHeaders = false;
        if (line.length === this.boundaryLower.length + 4 && line.endsWith('--')) {
          this.state = State.Done;
          return -1;
        }
        pos = lineEnd + 1;
        continue;
      }
      if (HEADER_LINE.test(line)) {
        this.headerLines.push(line);
      } else if ((line.startsWith(' ') || line.startsWith('\t')) && this.headerLines.length > 0) {
        this.headerLines[this.headerLines.length - 1] += ` ${line.trim()}`; // folded header
      } else {
        // not a header: the device left out the blank line (or sent only the blank line: a part
        // without headers), the data starts on this line
        this.headersEndedBlank = false;
        this.beginPart();
        return pos;
      }
      pos = lineEnd + 1;
    }
  }

  private isDelimiterLine(line: string): boolean {
    const lower = line.toLowerCase();
    const token = this.boundaryLower;
    return lower === `--${token}` || lower === `--${token}--`;
  }

  /** Keeps an unfinished preamble or header line for the next write. */
  private holdLine(rest: Buffer): void {
    this.checkLineLength(rest.length);
    const line = new BodyChunks();
    line.add(rest);
    this.lineCarry = line;
  }

  private checkLineLength(pending: number): void {
    if (this.state === State.Preamble) {
      if (pending > MAX_PART_HEADER_BYTES) throw new PushError('malformed', 'multipart body without a delimiter line');
    } else if (this.headerBytes + pending > MAX_PART_HEADER_BYTES) {
      throw new PushError('malformed', 'multipart part headers too long');
    }
  }

  private beginPart(): void {
    const lines = this.headerLines;
    this.headerLines = [];
    this.headerBytes = 0;
    this.blankBeforeHeaders = false;
    this.state = State.Body;
    this.sink.partStart(lines);
  }

  /**
   * Hands on part data up to the next delimiter. Returns the position after the delimiter line
   * (state Headers), or -1 when the buffer is used up, the closing delimiter came, or the body ended.
   */
  private readBody(buf: Buffer, dataFrom: number, scanFrom: number, eof: boolean): number {
    const needle = this.needle;
    let at = buf.indexOf(needle, scanFrom);
    while (at !== -1) {
      const tail = this.delimiterTail(buf, at + needle.length, eof);
      if (tail.kind === 'none') {
        at = buf.indexOf(needle, at + 1);
        continue;
      }
      let dataEnd = at;
      if (dataEnd > dataFrom && buf[dataEnd - 1] === CR) dataEnd--;
      if (dataEnd < dataFrom) dataEnd = dataFrom;
      if (tail.kind === 'more') {
        // the delimiter line is not complete yet: keep it (and its CR) for the next write
        if (dataEnd > dataFrom) this.sink.partData(buf.subarray(dataFrom, dataEnd));
        this.holdBack(buf, Math.min(at, dataEnd), dataFrom);
        return -1;
      }
      if (dataEnd > dataFrom) this.sink.partData(buf.subarray(dataFrom, dataEnd));
      this.sink.partEnd();
      if (tail.kind === 'close') {
        this.state = State.Done;
        return -1;
      }
      this.state = State.Headers;
      return tail.next;
    }
    if (eof) {
      // no closing delimiter: the body's end ends the part; its last newline is framing, and so is
      // the start of a delimiter line the body was cut in
      let dataEnd = this.withoutCutDelimiter(buf, scanFrom);
      if (dataEnd > dataFrom && buf[dataEnd - 1] === LF) dataEnd--;
      if (dataEnd > dataFrom && buf[dataEnd - 1] === CR) dataEnd--;
      if (dataEnd > dataFrom) this.sink.partData(buf.subarray(dataFrom, dataEnd));
      this.sink.partEnd();
      this.state = State.Done;
      return -1;
    }
    // hold back what could be the start of a delimiter (with the CR before it)
    const keepFrom = Math.max(scanFrom, buf.length - needle.length);
    if (keepFrom > dataFrom) this.sink.partData(buf.subarray(dataFrom, keepFrom));
    this.holdBack(buf, keepFrom, dataFrom);
    return -1;
  }

  /** The end of `buf` without a last line that is the beginning of `--boundary` (a cut delimiter). */
  private withoutCutDelimiter(buf: Buffer, scanFrom: number): number {
    const lastLine = buf.lastIndexOf(LF) + 1;
    if (lastLine - 1 < scanFrom || lastLine >= buf.length) return buf.length;
    const tailLength = buf.length - lastLine;
    if (tailLength >= this.needle.length) return buf.length;
    return buf.compare(this.needle, 1, 1 + tailLength, lastLine, buf.length) === 0 ? lastLine : buf.length;
  }

  private holdBack(buf: Buffer, from: number, dataFrom: number): void {
    if (from >= buf.length) return;
    this.carry = buf.subarray(from);
    this.carrySkip = Math.max(0, dataFrom - from);
  }

  /** What follows `\n--boundary` at `from`: `--` (close), padding + newline (open), or neither. */
  private delimiterTail(buf: Buffer, from: number, eof: boolean): DelimiterTail {
    if (from + 1 < buf.length && buf[from] === DASH && buf[from + 1] === DASH) return { kind: 'close' };
    if (from + 1 === buf.length && buf[from] === DASH) return eof ? { kind: 'none' } : { kind: 'more' };
    let pos = from;
    while (pos < buf.length && (buf[pos] === SPACE || buf[pos] === TAB || buf[pos] === CR)) {
      if (pos - from > MAX_DELIMITER_PADDING) return { kind: 'none' };
      pos++;
    }
    if (pos < buf.length) return buf[pos] === LF ? { kind: 'open', next: pos + 1 } : { kind: 'none' };
    // the body ends on the delimiter line itself
    return eof ? { kind: 'close' } : { kind: 'more' };
  }
}

/**
 * Streams (alertStream) announce each part's Content-Length and then fall silent until the next
 * event: framing on the boundary alone would hold a part back until the next one begins. These let
 * a reader that counts the announced length end the open part as soon as its bytes are in.
 */
export interface LengthFraming {
  /** Bytes of the open part held back (not yet handed to the sink); 0 when no part is open. */
  readonly heldBackBytes: number;
  /**
   * Ends the open part after `dataBytes` more of the held-back bytes; what follows them (line
   * ends, the next delimiter) is framing. Returns false (and does nothing) when no part is open.
   */
  endPartAfter(dataBytes: number): boolean;
}

/** The line's text without its CR and trailing blanks. */
function lineText(buf: Buffer, start: number, end: number, encoding: 'latin1' | 'utf8'): string {
  let stop = end;
  while (stop > start && (buf[stop - 1] === CR || buf[stop - 1] === SPACE || buf[stop - 1] === TAB)) stop--;
  return buf.toString(encoding, start, stop);
}
