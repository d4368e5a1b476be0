/**
 * `GET /ISAPI/Event/notification/httpHosts/capabilities`: how many slots the device has and which
 * values it allows, from the XML (`<protocolType opt="HTTP,HTTPS"/>`) or JSON form.
 */
import { IsapiError } from './isapi-error';
import { attribute, childElements, leafText, scanXml, type XmlElement } from '../xml/scan-xml';
import { quoteForeignText } from '../net/log-text';
import { xmlTextForUtf8 } from '../xml/xml-bytes';
import { XmlError } from '../xml/xml-error';
import { isRecord } from '../util/is-record';

const optional = (element: XmlElement | undefined, name: string) => (element ? attribute(element, name) : undefined);

export interface HttpHostsCapabilities {
  /** Number of slots. */
  hostNumber: number | null;
  protocolType: string[];
  parameterFormatType: string[];
  addressingFormatType: string[];
  httpAuthenticationMethod: string[];
  /** Longest url the device takes. */
  urlMaxLength: number | null;
}

const OPTION_FIELDS = ['protocolType', 'parameterFormatType', 'addressingFormatType', 'httpAuthenticationMethod'] as const;

function splitOptions(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((v) => v.trim()).filter(Boolean);
  return [];
}

function toCount(value: unknown): number | null {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return /^\d{1,6}$/.test(text) ? parseInt(text, 10) : null;
}

export function parseHttpHostsCapabilities(body: string | Buffer): HttpHostsCapabilities {
  let text: string;
  try {
    text = xmlTextForUtf8(body).trim();
  } catch (err) {
    throw new IsapiError('protocol', `the device's capabilities XML is malformed (${err instanceof XmlError ? err.message : String(err)})`);
  }
  const caps: HttpHostsCapabilities = {
    hostNumber: null, protocolType: [], parameterFormatType: [], addressingFormatType: [], httpAuthenticationMethod: [], urlMaxLength: null,
  };
  if (text.startsWith('<')) {
    let root: XmlElement;
    let read: (e: XmlElement) => string | null;
    try {
      const doc = scanXml(text);
      root = doc.root;
      read = (e) => leafText(doc, e);
    } catch (err) {
      throw new IsapiError('protocol', `the device's capabilities XML is malformed (${err instanceof XmlError ? err.message : String(err)})`);
    }
    const child = (name: string) => childElements(root, name)[0] as XmlElement | undefined;
    caps.hostNumber = toCount(child('hostNumber') ? read(child('hostNumber') as XmlElement) : null);
    for (const field of OPTION_FIELDS) caps[field] = splitOptions(optional(child(field), 'opt'));
    caps.urlMaxLength = toCount(optional(child('urlLen'), 'max'));
    return caps;
  }
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new IsapiError('protocol', `the device's capabilities JSON is malformed (${quoteForeignText((err as Error).message)})`);
    }
    const object = unwrap(parsed);
    caps.hostNumber = toCount(ownValue(object, 'hostNumber'));
    for (const field of OPTION_FIELDS) {
      const value = ownValue(object, field);
      caps[field] = isRecord(value) ? splitOptions(ownValue(value, '@opt') ?? ownValue(value, 'opt')) : splitOptions(value);
    }
    const urlLen = ownValue(object, 'urlLen');
    caps.urlMaxLength = toCount(isRecord(urlLen) ? ownValue(urlLen, '@max') ?? ownValue(urlLen, 'max') : undefined);
    return caps;
  }
  throw new IsapiError('protocol', 'the device\'s capabilities answer is neither XML nor JSON');
}

function ownValue(object: unknown, key: string): unknown {
  return isRecord(object) && Object.hasOwn(object, key) ? object[key] : undefined;
}

/** `{"HttpHostNotificationCap":{…}}` or the bare object. */
function unwrap(parsed: unknown): Record<string, unknown> {
  if (!isRecord(parsed)) return {};
  const inner = ownValue(parsed, 'HttpHostNotificationCap');
  return isRecord(inner) ? inner : parsed;
}
