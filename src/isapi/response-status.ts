/**
 * The ISAPI `ResponseStatus` envelope devices answer PUT/POST with (and most errors), in XML or
 * JSON, and the `userCheck` body some firmware sends with a 401 (with the lock-out state).
 */
import { childElements, leafText, scanXml } from '../xml/scan-xml';
import { quoteForeignText } from '../net/log-text';
import { xmlTextForUtf8 } from '../xml/xml-bytes';
import { isRecord } from '../util/is-record';

export interface ResponseStatus {
  requestURL?: string;
  /** 1 = OK, 2 = Device Busy, 3 = Device Error, 4 = Invalid Operation, 5 = Invalid XML Format, 6 = Invalid XML Content, 7 = Reboot Required. */
  statusCode?: number;
  statusString?: string;
  subStatusCode?: string;
  errorCode?: number;
  errorMsg?: string;
}

/** What a 401 body may say about the account (`<userCheck>` on many devices). */
export interface UserCheck {
  statusString?: string;
  /** `lock` when the device has locked the account. */
  lockStatus?: string;
  /** Seconds until the account unlocks. */
  unlockTime?: number;
  /** Attempts left before the account locks. */
  retryLoginTime?: number;
}

/** Longest device-supplied string carried into a message (a hostile device may send megabytes). */
const MAX_TEXT = 200;

/**
 * The leaf values under the root of an XML or JSON body: `{ root, values }`, or null when the body
 * is neither. JSON may be flat (`{"statusCode":…}`) or wrapped once (`{"ResponseStatus":{…}}`).
 */
export function rootLeaves(body: Buffer | string): { root: string; values: Map<string, string> } | null {
  let text: string;
  try {
    text = xmlTextForUtf8(body).trim();
  } catch {
    return null;
  }
  if (text.startsWith('<')) {
    try {
      const doc = scanXml(text, { maxDepth: 16, maxElements: 2000 });
      const values = new Map<string, string>();
      for (const child of childElements(doc.root)) {
        const value = leafText(doc, child);
        if (value !== null && !values.has(child.localName)) values.set(child.localName, value.trim());
      }
      return { root: doc.root.localName, values };
    } catch {
      return null;
    }
  }
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return null;
    }
    if (!isRecord(parsed)) return null;
    let root = '';
    let object = parsed;
    const keys = Object.keys(parsed);
    if (keys.length === 1 && isRecord(parsed[keys[0]])) {
      root = keys[0];
      object = parsed[keys[0]] as Record<string, unknown>;
    }
    const values = new Map<string, string>();
    for (const [key, value] of Object.entries(object)) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values.set(key.trim(), String(value));
    }
    return { root, values };
  }
  return null;
}

/** The device's text as kept and quoted: capped, control characters escaped, echoed secrets redacted. */
function clip(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  return quoteForeignText(value, MAX_TEXT);
}

function toInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return undefined;
  return parseInt(value, 10);
}

/** The device's ResponseStatus in a body, or null when the body carries none. */
export function parseResponseStatus(body: Buffer | string): ResponseStatus | null {
  const leaves = rootLeaves(body);
  if (!leaves) return null;
  const v = leaves.values;
  const isEnvelope = leaves.root === 'ResponseStatus' || v.has('statusCode') || v.has('subStatusCode');
  if (!isEnvelope || !(v.has('statusCode') || v.has('statusString') || v.has('subStatusCode'))) return null;
  const status: ResponseStatus = {};
  if (v.has('requestURL')) status.requestURL = clip(v.get('requestURL'));
  const statusCode = toInt(v.get('statusCode'));
  if (statusCode !== undefined) status.statusCode = statusCode;
  if (v.has('statusString')) status.statusString = clip(v.get('statusString'));
  if (v.has('subStatusCode')) status.subStatusCode = clip(v.get('subStatusCode'));
  const errorCode = toInt(v.get('errorCode'));
  if (errorCode !== undefined) status.errorCode = errorCode;
  if (v.has('errorMsg')) status.errorMsg = clip(v.get('errorMsg'));
  return status;
}

/** A `<userCheck>` (or JSON equivalent) from a 401 body, or null. */
export function parseUserCheck(body: Buffer | string): UserCheck | null {
  const leaves = rootLeaves(body);
  if (!leaves) return null;
  const v = leaves.values;
  if (leaves.root !== 'userCheck' && !v.has('lockStatus') && !v.has('unlockTime') && !v.has('retryLoginTime')) return null;
  const check: UserCheck = {};
  if (v.has('statusString')) check.statusString = clip(v.get('statusString'));
  if (v.has('lockStatus')) check.lockStatus = clip(v.get('lockStatus'));
  const unlockTime = toInt(v.get('unlockTime'));
  if (unlockTime !== undefined) check.unlockTime = unlockTime;
  const retryLoginTime = toInt(v.get('retryLoginTime'));
  if (retryLoginTime !== undefined) check.retryLoginTime = retryLoginTime;
  return check;
}

/** statusCode 1 (OK) and 7 (Reboot Required: saved, applies after a reboot) mean the change was taken. */
export function isSuccessStatus(status: ResponseStatus | null): boolean {
  return !status || status.statusCode === undefined || status.statusCode === 1 || status.statusCode === 7;
}

/** `Invalid XML Content (badXmlContent)`, with errorMsg when the device gave one. */
export function describeResponseStatus(status: ResponseStatus): string {
  const parts: string[] = [];
  if (status.statusString) parts.push(status.statusString);
  if (status.subStatusCode && status.subStatusCode !== status.statusString) parts.push(`(${status.subStatusCode})`);
  if (status.errorMsg && status.errorMsg !== status.statusString && status.errorMsg !== status.subStatusCode) parts.push(`- ${status.errorMsg}`);
  if (parts.length === 0 && status.statusCode !== undefined) parts.push(`statusCode ${status.statusCode}`);
  return parts.join(' ');
}
