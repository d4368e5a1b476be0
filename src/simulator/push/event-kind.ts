/** The kinds of event the simulated device can push, and the switches for the quirks real devices have. */

export type EventKind =
  | 'vmd'
  | 'linedetection'
  | 'fielddetection'
  | 'io'
  | 'videoloss'
  | 'anpr'
  | 'acs'
  | 'facecapture'
  | 'duration';

export const EVENT_KINDS: readonly EventKind[] = [
  'vmd', 'linedetection', 'fielddetection', 'io', 'videoloss', 'anpr', 'acs', 'facecapture', 'duration',
];

export function isEventKind(value: string): value is EventKind {
  return (EVENT_KINDS as readonly string[]).includes(value);
}

/**
 * Misbehaviours seen on real devices (device-push.md). Body quirks (`duplicateBoundary`,
 * `noFinalBoundary`, `jpegTrailingBytes`) act on multipart bodies; `unescapedAmp` and
 * `emptyElements` on XML documents; the rest on the request itself.
 */
export interface Quirks {
  /** No `Host` header at all. */
  noHost?: boolean;
  /** A bogus extra `--boundary` line before a part. */
  duplicateBoundary?: boolean;
  /** The body ends after the last part, without `--boundary--`. */
  noFinalBoundary?: boolean;
  /** A raw `&` inside XML text. */
  unescapedAmp?: boolean;
  /** `<channelID/>`, `<activePostCount/>`, `<channelName/>`, `<ipv6Address></ipv6Address>`. */
  emptyElements?: boolean;
  /** Bytes after the JPEG's EOI marker, inside the picture part. */
  jpegTrailingBytes?: boolean;
  /** `Connection: close` and one connection per event (the default is keep-alive). */
  connectionClose?: boolean;
  /** `Transfer-Encoding: chunked` instead of `Content-Length`. */
  chunked?: boolean;
}

export const QUIRK_NAMES: readonly (keyof Quirks)[] = [
  'noHost', 'duplicateBoundary', 'noFinalBoundary', 'unescapedAmp', 'emptyElements', 'jpegTrailingBytes',
  'connectionClose', 'chunked',
];
