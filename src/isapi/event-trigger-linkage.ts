/**
 * The `linkage` action: read the device's event triggers and, for those `notifyCenter` names,
 * switch "Notify Surveillance Center" on — one trigger at a time, read, changed, written back to
 * its own path, and the list read again. Never switches anything off; writes only what changes.
 */
import type { DigestClient } from './digest-client';
import {
  matchesCenterRules, parseEventTriggerList, withCenterNotification, type CenterRule, type EventTriggerInfo,
} from './event-triggers';
import { IsapiError, responseStatusError, statusError } from './isapi-error';
import { isSuccessStatus, parseResponseStatus } from './response-status';

export const EVENT_TRIGGERS_PATH = '/ISAPI/Event/triggers';

export interface LinkageOutcome {
  triggers: EventTriggerInfo[];
  /** Ids of the triggers written (center switched on). */
  changed: string[];
}

/** The right a device user needs for the center linkage (web UI names, event-triggers.md §9). */
export const CENTER_RIGHT_HINT =
  'the device user needs the "Remote: Parameters Settings" right to change triggers and the "Remote: Notify Surveillance Center / Trigger Alarm Output" right for the center linkage';

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

async function readList(client: DigestClient): Promise<EventTriggerInfo[]> {
  const res = await client.request({ method: 'GET', path: EVENT_TRIGGERS_PATH });
  if (!ok(res.status)) throw statusError('GET', EVENT_TRIGGERS_PATH, res.status, res.body);
  return parseEventTriggerList(res.body.toString('utf8'));
}

/** A 403 on a trigger names the rights to grant; notSupport and others pass through as the device said. */
function triggerError(method: string, path: string, status: number, body: Buffer): IsapiError {
  const error = statusError(method, path, status, body);
  if (status !== 403 || /^notSupport/i.test(error.responseStatus?.subStatusCode ?? '')) return error;
  const said = error.responseStatus ? ` (${error.responseStatus.statusString ?? ''} ${error.responseStatus.subStatusCode ?? ''})`.replace(/\s+\)/, ')') : '';
  return new IsapiError('forbidden', `403 Forbidden on ${method} ${path}${said}: ${CENTER_RIGHT_HINT}`, {
    httpStatus: 403, ...(error.responseStatus ? { responseStatus: error.responseStatus } : {}),
  });
}

async function switchCenterOn(client: DigestClient, id: string): Promise<boolean> {
  const path = `${EVENT_TRIGGERS_PATH}/${encodeURIComponent(id)}`;
  const res = await client.request({ method: 'GET', path });
  if (!ok(res.status)) throw triggerError('GET', path, res.status, res.body);
  const { text, changed } = withCenterNotification(res.body.toString('utf8'));
  if (!changed) return false;
  const put = await client.request({ method: 'PUT', path, body: text, contentType: 'application/xml; charset="UTF-8"' });
  if (!ok(put.status)) throw triggerError('PUT', path, put.status, put.body);
  const status = parseResponseStatus(put.body);
  if (status && !isSuccessStatus(status)) throw responseStatusError('PUT', path, status);
  return true;
}

/** Reads the triggers; with rules, switches center on for each match that lacks it, then reads back. */
export async function runLinkage(client: DigestClient, rules: readonly CenterRule[] | null): Promise<LinkageOutcome> {
  const triggers = await readList(client);
  if (!rules || rules.length === 0) return { triggers, changed: [] };
  // Ids can repeat on NVRs (one per channel): the single resource is written once.
  const wanted = [...new Set(triggers.filter((t) => !t.center && t.id !== '' && matchesCenterRules(t, rules)).map((t) => t.id))];
  const changed: string[] = [];
  for (const id of wanted) {
    if (await switchCenterOn(client, id)) changed.push(id);
  }
  if (changed.length === 0) return { triggers, changed };
  const after = await readList(client);
  const missing = changed.filter((id) => !after.some((t) => t.id === id && t.center));
  if (missing.length > 0) {
    throw new IsapiError('device', `the device accepted the change but ${missing.join(', ')} still read back without "Notify Surveillance Center"`);
  }
  return { triggers: after, changed };
}

/** For the editor: the triggers and whether each notifies the center, or null when the device will not say. */
export async function readTriggersQuietly(client: DigestClient): Promise<EventTriggerInfo[] | null> {
  try {
    return await readList(client);
  } catch {
    return null;
  }
}
