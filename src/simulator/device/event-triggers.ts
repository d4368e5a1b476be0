/**
 * The simulated device's event triggers (`/ISAPI/Event/triggers`, event-triggers.md §11): a camera
 * list (channel 1, hikvision namespace, `notificationRecurrence` on every notification, `center`
 * on some triggers only) or an NVR list (isapi.org namespace, `dyn*` channels 1…N, no recurrence,
 * IP-camera inputs `IO-<ch><nn>`, a repeated id). Each trigger is kept as the exact text last
 * written, so tests can check a client's PUT byte for byte.
 */
import { childElements, leafText, scanXml } from '../../xml/scan-xml';
import { XML_DECLARATION } from '../xml-element';
import { STATUS, type DeviceStatus } from './response-status';

export const TRIGGERS_PATH = '/ISAPI/Event/triggers';

/** A user without the rights: the body real devices send was not captured; this follows client mocks. */
export const NO_PERMISSION: DeviceStatus = { httpStatus: 403, statusCode: 4, statusString: 'Invalid Operation', subStatusCode: 'noPermission' };

export interface SimTriggerOptions {
  nvr: boolean;
  namespace: string;
  /** Video channels (NVR default 4, camera 1). */
  channels?: number;
  /** False: the login lacks the right to change triggers (PUT answers 403). */
  triggerRight?: boolean;
}

export type TriggerAnswer = { status: DeviceStatus; note?: string } | { body: string };

interface Notification { id: string; method: string; extra?: string }

function cameraTrigger(id: string, type: string, channel: number | null, notes: Notification[], input = false): string {
  const channelXml = channel === null ? ''
    : input ? `\n  <inputIOPortID>${channel}</inputIOPortID>`
      : `\n  <videoInputChannelID>${channel}</videoInputChannelID>\n  <dynVideoInputChannelID>${channel}</dynVideoInputChannelID>`;
  const list = notes.length === 0
    ? '\n  <EventTriggerNotificationList/>'
    : `\n  <EventTriggerNotificationList>${notes.map((n) => `\n   <EventTriggerNotification>\n    <id>${n.id}</id>\n    <notificationMethod>${n.method}</notificationMethod>\n    <notificationRecurrence>beginning</notificationRecurrence>${n.extra ?? ''}\n   </EventTriggerNotification>`).join('')}\n  </EventTriggerNotificationList>`;
  return `<EventTrigger>\n  <id>${id}</id>\n  <eventType>${type}</eventType>\n  <eventDescription>${type} Event trigger Information</eventDescription>${channelXml}${list}\n </EventTrigger>`;
}

function nvrTrigger(id: string, type: string, element: string | null, value: number | null, notes: Notification[]): string {
  const channelXml = element && value !== null ? `<${element}>${value}</${element}>` : '';
  const list = notes.length === 0
    ? '<EventTriggerNotificationList></EventTriggerNotificationList>'
    : `<EventTriggerNotificationList>${notes.map((n) => `<EventTriggerNotification><id>${n.id}</id><notificationMethod>${n.method}</notificationMethod>${n.extra ?? ''}</EventTriggerNotification>`).join('')}</EventTriggerNotificationList>`;
  return `<EventTrigger><id>${id}</id><eventType>${type}</eventType>${channelXml}${list}</EventTrigger>`;
}

const CENTER: Notification = { id: 'center', method: 'center' };
const record = (ch: number): Notification => ({ id: `record-${ch}`, method: 'record', extra: `<videoInputID>${ch}</videoInputID>` });

function cameraTriggers(channels: number): string[] {
  const out: string[] = [cameraTrigger('IO-1', 'IO', 1, [], true)];
  for (let ch = 1; ch <= channels; ch++) {
    out.push(
      cameraTrigger(`VMD-${ch}`, 'VMD', ch, [{ id: 'IO-1', method: 'IO', extra: '\n    <outputIOPortID>1</outputIOPortID>' }, { ...record(ch), extra: `\n    <videoInputID>${ch}</videoInputID>` }]),
      cameraTrigger(`tamper-${ch}`, 'tamperdetection', ch, []),
      cameraTrigger(`linedetection-${ch}`, 'linedetection', ch, [{ id: 'email', method: 'email' }]),
      cameraTrigger(`fielddetection-${ch}`, 'fielddetection', ch, [CENTER]),
      cameraTrigger(`regionEntrance-${ch}`, 'regionEntrance', ch, []),
      cameraTrigger(`regionExiting-${ch}`, 'regionExiting', ch, [CENTER]),
    );
  }
  for (const type of ['diskfull', 'diskerror', 'nicbroken', 'ipconflict', 'illaccess']) out.push(cameraTrigger(type, type, null, [{ id: 'email', method: 'email' }]));
  return out;
}

function nvrTriggers(channels: number): string[] {
  const out: string[] = [];
  for (let ch = 1; ch <= channels; ch++) {
    out.push(
      nvrTrigger(`VMD-${ch}`, 'VMD', 'dynVideoInputChannelID', ch, ch === 1 ? [CENTER, record(ch)] : [record(ch)]),
      nvrTrigger(`linedetection-${ch}`, 'linedetection', 'dynVideoInputChannelID', ch, []),
      nvrTrigger(`fielddetection-${ch}`, 'fielddetection', 'dynVideoInputChannelID', ch, [{ id: 'beep', method: 'beep' }]),
      nvrTrigger(`videoloss-${ch}`, 'videoloss', 'dynVideoInputChannelID', ch, [CENTER]),
    );
  }
  // Two channels' triggers under one id, told apart only by the channel (DS-7608NXI-I2).
  out.push(nvrTrigger('objectsThrownDetection', 'objectsThrownDetection', 'dynVideoInputChannelID', 2, []));
  out.push(nvrTrigger('objectsThrownDetection', 'objectsThrownDetection', 'dynVideoInputChannelID', 3, []));
  out.push(nvrTrigger('IO-1', 'IO', 'inputIOPortID', 1, []), nvrTrigger('IO-301', 'IO', 'dynInputIOPortID', 301, [CENTER]));
  out.push(nvrTrigger('diskfull', 'diskfull', null, null, [{ id: 'monitorAlarm', method: 'monitorAlarm' }]));
  return out;
}

function idOf(triggerText: string): string {
  const doc = scanXml(triggerText);
  const [id] = childElements(doc.root, 'id');
  return (id as typeof id | undefined) ? (leafText(doc, id) ?? '').trim() : '';
}

export class SimEventTriggers {
  /** Each trigger's element text (no declaration), in list order. */
  private readonly triggers: string[];

  constructor(private readonly options: SimTriggerOptions) {
    const channels = Math.max(1, options.channels ?? (options.nvr ? 4 : 1));
    this.triggers = options.nvr ? nvrTriggers(channels) : cameraTriggers(channels);
  }

  /** The stored text of the first trigger with this id (tests compare it byte for byte). */
  text(id: string): string | undefined {
    const index = this.indexOf(id);
    return index === -1 ? undefined : this.triggers[index];
  }

  /** The list as the device renders it. */
  renderList(): string {
    const root = this.options.nvr
      ? `<EventTriggerList version="2.0" xmlns="${this.options.namespace}">${this.triggers.join('')}</EventTriggerList>`
      : `<EventTriggerList version="2.0" xmlns="${this.options.namespace}">\n ${this.triggers.join('\n ')}\n</EventTriggerList>\n`;
    return `${XML_DECLARATION}\n${root}`;
  }

  answer(method: string, path: string, body: string): TriggerAnswer {
    if (path === TRIGGERS_PATH) {
      if (method !== 'GET') return { status: STATUS.methodNotAllowed };
      return { body: this.renderList() };
    }
    const id = decodeURIComponent(path.slice(TRIGGERS_PATH.length + 1));
    const index = this.indexOf(id);
    // Unknown and unsupported triggers answer 403, not 404 (scenechangedetection-1 on many devices).
    if (index === -1 || id.includes('/')) return { status: STATUS.notSupport, note: `no trigger ${id}` };
    if (method === 'GET') return { body: `${XML_DECLARATION}\n${this.withNamespace(this.triggers[index])}` };
    if (method !== 'PUT') return { status: STATUS.methodNotAllowed };
    if (this.options.triggerRight === false) return { status: NO_PERMISSION, note: 'user lacks the right' };
    let stored: string;
    try {
      const doc = scanXml(body.replace(/^\uFEFF/, ''));
      if (doc.root.localName !== 'EventTrigger' || idOf(body).toLowerCase() !== id.toLowerCase()) return { status: STATUS.badXmlContent, note: 'not this EventTrigger' };
      stored = body.slice(doc.root.openStart, doc.root.closeEnd);
    } catch {
      return { status: STATUS.badXmlContent, note: 'badXmlFormat' };
    }
    this.triggers[index] = stored;
    return { status: STATUS.ok, note: `trigger ${id} written` };
  }

  private indexOf(id: string): number {
    return this.triggers.findIndex((t) => idOf(t).toLowerCase() === id.toLowerCase());
  }

  /** A single trigger carries its own version and namespace (the list's elements may not). */
  private withNamespace(trigger: string): string {
    return /^<EventTrigger\s/.test(trigger) ? trigger : trigger.replace(/^<EventTrigger>/, `<EventTrigger version="2.0" xmlns="${this.options.namespace}">`);
  }
}
