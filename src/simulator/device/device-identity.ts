/** Who the simulated device says it is: deviceInfo and the httpHosts capabilities, camera or NVR. */
import { NS_HIKVISION, NS_ISAPI } from '../push/event-content';
import { element, leaf, renderXml, XML_DECLARATION, type XmlElement } from '../xml-element';

export interface DeviceIdentity {
  nvr: boolean;
  model: string;
  serialNumber: string;
  macAddress: string;
  deviceName: string;
  firmwareVersion: string;
  firmwareReleasedDate: string;
  /** Namespace of the device's ISAPI documents. */
  namespace: string;
  slotCount: number;
}

export function deviceIdentity(options: { nvr: boolean; macAddress: string; model?: string; serialNumber?: string }): DeviceIdentity {
  const tail = options.macAddress.replace(/:/g, '').slice(-6).toUpperCase();
  const model = options.model ?? (options.nvr ? 'DS-7608NXI-K2/8P' : 'DS-2CD2T46G2-ISU/SL');
  return {
    nvr: options.nvr,
    model,
    serialNumber: options.serialNumber ?? `${model}${options.nvr ? '0820240101CCRRG' : '20240101AAWRG'}${tail}`,
    macAddress: options.macAddress,
    deviceName: options.nvr ? 'Network Video Recorder' : 'IP CAMERA',
    firmwareVersion: options.nvr ? 'V4.74.105' : 'V5.7.15',
    firmwareReleasedDate: options.nvr ? 'build 231229' : 'build 230725',
    namespace: options.nvr ? NS_ISAPI : NS_HIKVISION,
    slotCount: options.nvr ? 1 : 3,
  };
}

function fields(id: DeviceIdentity): [string, string | number][] {
  return [
    ['deviceName', id.deviceName],
    ['deviceID', `${id.serialNumber.slice(-9).toLowerCase()}-0000-1000-8000-${id.macAddress.replace(/:/g, '')}`],
    ['deviceDescription', id.nvr ? 'NVR' : 'IPCamera'],
    ['deviceLocation', 'hangzhou'],
    ['systemContact', 'Hikvision.China'],
    ['model', id.model],
    ['serialNumber', id.serialNumber],
    ['macAddress', id.macAddress],
    ['firmwareVersion', id.firmwareVersion],
    ['firmwareReleasedDate', id.firmwareReleasedDate],
    ['encoderVersion', 'V7.3'],
    ['encoderReleasedDate', 'build 230720'],
    ['deviceType', id.nvr ? 'NVR' : 'IPCamera'],
    ['telecontrolID', 88],
  ];
}

export function deviceInfoDocument(id: DeviceIdentity, format: 'xml' | 'json'): string {
  if (format === 'json') return JSON.stringify({ DeviceInfo: Object.fromEntries(fields(id)) }, null, 2);
  const root = element('DeviceInfo', fields(id).map(([k, v]) => leaf(k, v)), [['version', '2.0'], ['xmlns', id.namespace]]);
  return renderXml(root, { declaration: XML_DECLARATION, indent: '', eol: '\n', finalEol: true });
}

interface Cap { name: string; attrs?: Record<string, string>; value?: string | number }

function capabilities(id: DeviceIdentity): Cap[] {
  return [
    { name: 'hostNumber', value: id.slotCount },
    { name: 'urlLen', attrs: { min: '0', max: '128' } },
    { name: 'protocolType', attrs: { opt: 'HTTP,HTTPS,EHome' } },
    { name: 'parameterFormatType', attrs: { opt: 'XML,JSON' } },
    { name: 'addressingFormatType', attrs: { opt: 'ipaddress,hostname' } },
    { name: 'hostName', attrs: { min: '1', max: '64' } },
    { name: 'ipAddress', attrs: { opt: 'ipv4,ipv6' } },
    { name: 'portNo', attrs: { min: '1', max: '65535' } },
    { name: 'userNameLen', attrs: { min: '1', max: '32' } },
    { name: 'passwordLen', attrs: { min: '1', max: '16' } },
    { name: 'httpAuthenticationMethod', attrs: { opt: 'none,MD5digest,base64' } },
    { name: 'uploadImagesDataType', attrs: { opt: 'URL,binary' } },
    { name: 'httpBroken', attrs: { opt: 'true,false', def: 'true' } },
  ];
}

export function capabilitiesDocument(id: DeviceIdentity, format: 'xml' | 'json'): string {
  const caps = capabilities(id);
  if (format === 'json') {
    const body = Object.fromEntries(caps.map((c) => [c.name, c.value ?? { ...c.attrs }]));
    return JSON.stringify({ HttpHostNotificationCap: body }, null, 2);
  }
  const children: XmlElement[] = caps.map((c) => ({
    name: c.name,
    text: c.value !== undefined ? String(c.value) : '',
    attrs: c.attrs ? Object.entries(c.attrs) : undefined,
    selfClose: c.value === undefined,
  }));
  const root = element('HttpHostNotificationCap', children, [['version', '2.0'], ['xmlns', id.namespace]]);
  return renderXml(root, { declaration: XML_DECLARATION, indent: '  ', eol: '\n', finalEol: true });
}
