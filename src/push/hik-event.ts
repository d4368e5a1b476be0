/**
 * One event a Hikvision device pushed, normalised. This is the listener's `msg.payload`: the field
 * names and types are public API that flows depend on.
 */
export interface HikEvent {
  /** As sent (case kept: `VMD`, `linedetection`, `AccessControllerEvent`, …). */
  eventType: string;
  /** As sent (`active`/`inactive`), or '' when the device sent none. */
  eventState: string;
  /** The device's string, not reinterpreted: devices send offsets and formats that are not ISO 8601. */
  dateTime: string;
  /** `channelID`, else `dynChannelID`, as a number; null when absent or empty. */
  channelID: number | null;
  ipAddress: string | null;
  macAddress: string | null;
  activePostCount: number | null;
  format: PushFormat;
  /** True when the device marked the event as re-sent from its store (`isDataRetransmission`, `currentEvent: false`). */
  replay: boolean;
  /**
   * The whole event as parsed: XML leaves stay strings, namespace prefixes stripped, repeated elements arrays; JSON as sent.
   * XML: the content of `EventNotificationAlert` (attributes such as `version`/`xmlns` are dropped; children of any
   * `…List` element are always arrays, e.g. `DetectionRegionList.DetectionRegionEntry[0]`,
   * `DurationList.Duration[0].relationEvent` for `duration` events); another root element arrives as `{ <root>: … }`.
   * JSON: a wrapper (`{"EventNotificationAlert": …}`, `{"data": …}`) is removed and `__proto__` keys are dropped;
   * everything else is as sent. Form: the fields as strings (a repeated field is an array).
   */
  event: Record<string, unknown>;
  /** Pictures that came with the event, in arrival order. */
  images: HikImage[];
}

export type PushFormat = 'xml' | 'json' | 'form';

export interface HikImage {
  /** The multipart field name (`licensePlatePicture.jpg`, `Picture`, …); '' when the part has none. */
  name: string;
  filename: string | null;
  /** The part's Content-Type as sent (`image/jpeg`, `image/pjpeg`, …). */
  contentType: string | null;
  /** The part's Content-ID without angle brackets: matches `contentID`/`pId` in JSON events. */
  contentId: string | null;
  /** The bytes exactly as sent (trailing bytes after a JPEG's end marker included). */
  data: Buffer;
  /** Only on pictures the node fetched itself (`pictures` option): a URL the event carried, or a channel snapshot. */
  source?: 'url' | 'snapshot';
  /** Only on fetched pictures: where it was fetched, never with credentials. */
  url?: string;
}
