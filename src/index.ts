/**
 * The package's entry point (package.json `main`) for code that uses it outside Node-RED: the
 * protocol cores the nodes are built on, and the device and platform simulators for tests.
 * Node-RED loads the nodes through package.json "node-red".nodes, not through this file, and
 * nothing here imports Node-RED.
 */
export { parsePushBody, type ParsePushBodyOptions } from './push/parse-push-body';
export { PushError, type PushErrorCode } from './push/push-error';
export type { HikEvent, HikImage, PushFormat } from './push/hik-event';
export { parseEventNotify, EventNotifyError, type EventNotify, type IscEvent } from './isc/event-notify';
export { iscEventTopic, isLinkageEvent } from './isc/event-topic';
export { EventFilter, type EventFilterOptions, type FilterMessage, type FilterOutput, type RoutedMessage } from './filter/event-filter';
export { ArtemisClient, type ArtemisClientOptions } from './isc/artemis-client';
export { ArtemisError } from './isc/artemis-error';
export { signArtemisRequest, type ArtemisRequestToSign, type SignedArtemisRequest } from './isc/sign-artemis-request';
export { HttpHostsConfigurator } from './isapi/http-hosts-configurator';
export { startDeviceSimulator, type DeviceSimulator, type DeviceSimulatorOptions } from './simulator/device/device-simulator';
export { startPlatformSimulator, type PlatformSimulator, type PlatformSimulatorOptions } from './simulator/platform/platform-simulator';
export { buildPush, EVENT_KINDS, type EventKind, type Quirks } from './simulator/push/index';
