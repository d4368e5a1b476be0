/**
 * The request bodies every target gets, made by the device and platform simulators: the same bytes
 * a camera, an access terminal or an iSC platform would send. A few variants of each (other plates,
 * serial numbers, pictures) so no target sees one body over and over.
 */
import { buildPush, makeJpeg, type BuildPushContext, type EventKind } from '../src/simulator/push';
import { multipartBody } from '../src/simulator/push/multipart-body';
import { platformIsoTime, simulateOccurrence } from '../src/simulator/platform/simulated-events';
import { ISC_PATH, PUSH_PATH } from './protocol';

export const WORKLOAD_IDS = ['xml-vmd', 'json-acs', 'mp-anpr', 'mp-acs', 'isc-100', 'upload-1mb'] as const;
export type WorkloadId = (typeof WORKLOAD_IDS)[number];

export interface BenchRequest {
  /** Request headers except Host, Connection and Content-Length (the load client writes those). */
  headers: Record<string, string>;
  body: Buffer;
}

export interface Workload {
  id: WorkloadId;
  label: string;
  path: string;
  /** Events each request carries: what the flow must count per request answered 200. */
  eventsPerRequest: number;
  requests: BenchRequest[];
}

export function isWorkloadId(value: string): value is WorkloadId {
  return (WORKLOAD_IDS as readonly string[]).includes(value);
}

const VARIANTS = 8;
/** A fixed clock: the bodies are the same in every run. */
const NOW = new Date('2026-11-20T00:15:42Z');

function devicePushes(kind: EventKind, ctx: BuildPushContext): BenchRequest[] {
  const requests: BenchRequest[] = [];
  for (let sequence = 0; sequence < VARIANTS; sequence++) {
    const push = buildPush(kind, { ...ctx, sequence, now: NOW, deviceIp: `192.168.1.${64 + sequence}` });
    requests.push({ headers: withoutFraming(push.headers), body: push.body });
  }
  return requests;
}

/** The simulator's headers minus those the load client sets per connection mode. */
function withoutFraming(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower !== 'connection' && lower !== 'content-length' && lower !== 'transfer-encoding') kept[name] = value;
  }
  return kept;
}

/** The ANPR push with its detection picture replaced by one of about 1 MB: a large upload. */
function largeUploads(): BenchRequest[] {
  const requests: BenchRequest[] = [];
  for (let sequence = 0; sequence < VARIANTS; sequence++) {
    const push = buildPush('anpr', { sequence, now: NOW, envelope: 'bare' });
    const picture = makeJpeg({ width: 1920, height: 1080, size: 1_000_000, seed: sequence });
    const boundary = `----bench${sequence}`;
    const body = multipartBody(boundary, [
      {
        headers: ['Content-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"', 'Content-Type: application/xml; charset="UTF-8"'],
        body: push.body,
      },
      {
        headers: ['Content-Disposition: form-data; name="detectionPicture.jpg"; filename="detectionPicture.jpg"', 'Content-Type: image/jpeg'],
        body: picture,
      },
    ]);
    requests.push({ headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body });
  }
  return requests;
}

/** OnEventNotify POSTs of 100 access events each, as an iSC platform sends them. */
function iscNotifies(eventsPerPost: number): BenchRequest[] {
  const requests: BenchRequest[] = [];
  for (let variant = 0; variant < VARIANTS; variant++) {
    const events = [];
    for (let i = 0; i < eventsPerPost; i++) {
      events.push(...simulateOccurrence(i % 2 === 0 ? 'card' : 'face', variant * eventsPerPost + i, NOW).map((e) => e.event));
    }
    const body = JSON.stringify({ method: 'OnEventNotify', params: { ability: 'event_acs', sendTime: platformIsoTime(NOW), events } });
    requests.push({ headers: { 'Content-Type': 'application/json' }, body: Buffer.from(body, 'utf8') });
  }
  return requests;
}

export function buildWorkload(id: WorkloadId): Workload {
  switch (id) {
    case 'xml-vmd':
      return { id, label: 'XML motion (VMD)', path: PUSH_PATH, eventsPerRequest: 1, requests: devicePushes('vmd', { envelope: 'bare' }) };
    case 'json-acs':
      return { id, label: 'access-control JSON', path: PUSH_PATH, eventsPerRequest: 1, requests: devicePushes('acs', { pictures: false }) };
    case 'mp-anpr':
      return { id, label: 'multipart ANPR (XML + 2 JPEG)', path: PUSH_PATH, eventsPerRequest: 1, requests: devicePushes('anpr', {}) };
    case 'mp-acs':
      return { id, label: 'multipart access control (JSON + JPEG)', path: PUSH_PATH, eventsPerRequest: 1, requests: devicePushes('acs', { pictures: true }) };
    case 'isc-100':
      return { id, label: 'iSC OnEventNotify, 100 events/POST', path: ISC_PATH, eventsPerRequest: 100, requests: iscNotifies(100) };
    case 'upload-1mb':
      return { id, label: '1 MB uploads (ANPR XML + 1 MB JPEG)', path: PUSH_PATH, eventsPerRequest: 1, requests: largeUploads() };
  }
}

/** The average body size, for the table. */
export function averageBodyBytes(workload: Workload): number {
  return Math.round(workload.requests.reduce((sum, r) => sum + r.body.length, 0) / workload.requests.length);
}
