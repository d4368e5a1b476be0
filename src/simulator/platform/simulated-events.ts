/**
 * Events the simulated platform pushes, shaped like the public iSC samples (test/fixtures/isc):
 * access card and face (event_acs), motion (event_vss), area intrusion (event_rule), parking with
 * its late-picture twin (status 0 then 5, same eventId, times as `YYYY-MM-DD hh:mm:ss`), and a
 * linkage event (status 0 then 4, same eventId, ability "" and eventType 0 outside, the original
 * event in `eventDetails`, `linkageAcion`/`linkageResult` as JSON strings on status 4).
 * The parking `data` fields are illustrative: no verbatim parking push is public.
 */
import { randomUUID } from 'node:crypto';
import type { IscEvent } from '../../isc/event-notify';

export const SIMULATED_EVENT_KINDS = ['card', 'face', 'motion', 'intrusion', 'parking', 'linkage'] as const;
export type SimulatedEventKind = (typeof SIMULATED_EVENT_KINDS)[number];

export const SIMULATED_EVENT_CODES: Readonly<Record<SimulatedEventKind, number>> = {
  card: 198914,
  face: 196893,
  motion: 131331,
  intrusion: 131588,
  parking: 771764226,
  // A linkage event is subscribed (and matched) by its original event's type.
  linkage: 131588,
};

/** One event ready to push, with what the platform matches subscriptions on. */
export interface SimulatedEvent {
  /** `params.ability` of the POST that carries it ('' for linkage events). */
  ability: string;
  event: IscEvent;
  /** The code a subscription must list for this event to be pushed. */
  subscribedType: number;
  linkage: boolean;
  /** Linkage events only: the event level subscriptions may filter on. */
  eventLvl: number | null;
}

/** `2026-11-20T09:51:05.000+08:00`: the platform's ISO form, in China Standard Time. */
export function platformIsoTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000);
  return `${shifted.toISOString().slice(0, 23)}+08:00`;
}

/** `2026-11-20 09:51:05`: the other form some platform modules send. */
export function platformPlainTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000);
  return shifted.toISOString().slice(0, 19).replace('T', ' ');
}

function hexId(): string {
  return randomUUID().replace(/-/g, '').toUpperCase();
}

function cameraIndex(seq: number): string {
  return `sim-camera-${String(seq % 8 + 1).padStart(2, '0')}`;
}

function accessEvent(code: 198914 | 196893, seq: number, now: Date): IscEvent {
  const card = code === 198914;
  return {
    eventId: hexId(),
    eventType: code,
    eventTypeName: card ? 'acs.acs.eventType.successCard' : 'acs.acs.eventType.successFace',
    happenTime: platformIsoTime(now),
    srcIndex: `sim-door-${seq % 4 + 1}`,
    srcName: `Door ${seq % 4 + 1}`,
    srcParentIndex: 'sim-acs-controller-1',
    srcType: 'door',
    status: 0,
    timeout: 0,
    data: {
      ExtEventCode: code,
      ExtEventCardNo: card ? String(1000000000 + seq) : '',
      ExtEventPersonNo: String(seq % 50 + 1),
      ExtEventDoorID: seq % 4 + 1,
      ExtEventInOut: seq % 2,
      ExtEventPictureURL: card ? '' : `/pic?sim=face-${seq}`,
      ExtReceiveTime: String(now.getTime() * 1000),
      Seq: seq,
      svrIndexCode: card ? '' : 'sim-picture-server-1',
    },
  };
}

function motionEvent(seq: number, now: Date): IscEvent {
  return {
    eventId: randomUUID().toUpperCase(),
    eventType: 131331,
    happenTime: platformIsoTime(now),
    srcIndex: cameraIndex(seq),
    srcName: `Camera ${seq % 8 + 1}`,
    srcParentIndex: 'sim-nvr-1',
    srcType: 'camera',
    status: 1,
    timeout: 30,
  };
}

function intrusionData(seq: number, now: Date): Record<string, unknown> {
  return {
    dataType: 'behavioralAnalysis',
    recvTime: platformIsoTime(now),
    sendTime: platformIsoTime(now),
    dateTime: platformIsoTime(now),
    ipAddress: '192.0.2.10',
    portNo: 80,
    channelID: seq % 8 + 1,
    eventType: 'fielddetection',
    eventDescription: 'fielddetection',
    fielddetection: [{
      targetAttrs: { cameraIndexCode: cameraIndex(seq), channelName: `Camera ${seq % 8 + 1}`, deviceIndexCode: 'sim-nvr-1' },
      imageUrl: `http://192.0.2.10/pic?sim=intrusion-${seq}`,
      regionCoordinatesList: [{ positionX: 0.1, positionY: 0.2 }, { positionX: 0.8, positionY: 0.9 }],
    }],
  };
}

function intrusionEvent(seq: number, now: Date): IscEvent {
  return {
    eventId: randomUUID().toUpperCase(),
    eventType: 131588,
    happenTime: platformIsoTime(now),
    srcIndex: cameraIndex(seq),
    srcName: `Camera ${seq % 8 + 1}`,
    srcType: 'camera',
    status: 0,
    timeout: 0,
    data: intrusionData(seq, now),
  };
}

function parkingTwins(seq: number, now: Date): IscEvent[] {
  const base: IscEvent = {
    eventId: randomUUID().toUpperCase(),
    eventType: 771764226,
    happenTime: platformPlainTime(now),
    srcIndex: `sim-lane-${seq % 2 + 1}`,
    srcName: `Lane ${seq % 2 + 1}`,
    srcParentIndex: 'sim-parking-1',
    srcType: 'parkspace',
    status: 0,
    eventLvl: 0,
    timeout: 30,
    data: { plateNo: `SIM${String(seq).padStart(5, '0')}`, picUrl: '' },
  };
  // The lane camera's picture is stored after the event: same event again, status 5, with the URL.
  const picture: IscEvent = { ...base, status: 5, data: { ...(base.data as object), picUrl: `http://192.0.2.20/pic?sim=plate-${seq}` } };
  return [base, picture];
}

function linkageTwins(seq: number, now: Date): IscEvent[] {
  const original = {
    ability: 'event_rule',
    eventType: 131588,
    eventOriginalId: randomUUID(),
    srcIndex: cameraIndex(seq),
    srcName: `Camera ${seq % 8 + 1}`,
    srcType: 'camera',
    regionIndexCode: 'sim-region-1',
    regionName: 'Simulated site/Perimeter',
    data: intrusionData(seq, now),
  };
  const outer: IscEvent = {
    eventId: hexId(),
    eventType: 0,
    eventLvl: 2,
    eventName: 'Perimeter intrusion',
    happenTime: platformIsoTime(now),
    srcIndex: 'sim-event-rule-1',
    srcName: 'Perimeter intrusion',
    srcType: 'eventRule',
    status: 0,
    timeout: 0,
    remark: '',
    eventDetails: [original],
  };
  const actions = [{ linkageType: 'captureEventPicture', content: JSON.stringify([{ cameraIndexCode: cameraIndex(seq) }]) }];
  const results = [{ linkageType: 'captureEventPicture', content: JSON.stringify([{ cameraIndexCode: cameraIndex(seq), picUrl: `http://192.0.2.30/pic?sim=linkage-${seq}` }]) }];
  const update: IscEvent = {
    ...outer,
    status: 4,
    stopTime: platformIsoTime(now),
    linkageAcion: JSON.stringify(actions),
    linkageResult: JSON.stringify(results),
  };
  return [outer, update];
}

/** The event(s) of one occurrence of `kind`: one, or two twins sharing an eventId. */
export function simulateOccurrence(kind: SimulatedEventKind, seq: number, now: Date = new Date()): SimulatedEvent[] {
  const raw = (ability: string, event: IscEvent): SimulatedEvent => ({
    ability, event, subscribedType: SIMULATED_EVENT_CODES[kind], linkage: false, eventLvl: null,
  });
  switch (kind) {
    case 'card': return [raw('event_acs', accessEvent(198914, seq, now))];
    case 'face': return [raw('event_acs', accessEvent(196893, seq, now))];
    case 'motion': return [raw('event_vss', motionEvent(seq, now))];
    case 'intrusion': return [raw('event_rule', intrusionEvent(seq, now))];
    case 'parking': return parkingTwins(seq, now).map((event) => raw('event_pms', event));
    case 'linkage': return linkageTwins(seq, now).map((event) => ({
      ability: '', event, subscribedType: SIMULATED_EVENT_CODES.linkage, linkage: true, eventLvl: 2,
    }));
  }
}
