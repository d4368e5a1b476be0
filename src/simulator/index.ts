/** The simulators: a Hikvision device (ISAPI + pushes) and its push side on its own. */
export * from './device/device-simulator';
export * from './push/index';
