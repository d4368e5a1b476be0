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
  /** The whole event as parsed: XML leaves stay strings, namespace prefixes stripped, repeated elements arrays; JSON as sent. */
  event: Record<string, unknown>;
  /** Pictures that came with the event, in arrival order. */
  images: HikImage[];
}

export type PushFormat = 'xml' | 'json' | 'form';

export interface HikImage {
  /** The multipart field name (`licensePlatePicture.jpg`, `Picture`, …). */
  name: string;
  filename: string | null;
  contentType: string | null;
  contentId: string | null;
  data: Buffer;
}
