/** The push side of the simulated device, usable without its ISAPI server. */
export { EVENT_KINDS, QUIRK_NAMES, isEventKind, type EventKind, type Quirks } from './event-kind';
export {
  buildPush, buildTestPush, DEFAULT_DEVICE_IP, DEFAULT_MAC, JPEG_TRAILING_BYTES,
  type BuildPushContext, type BuiltPush, type BuiltTestPush, type PushFormat,
} from './build-push';
export { makeJpeg, type JpegOptions } from './jpeg';
export { PushClient, type PushTarget } from './push-client';
export { pushEvents, mergeReports, type PushReport, type PushResult, type PushRunOptions } from './push-events';
export { RateSchedule } from './rate-schedule';
