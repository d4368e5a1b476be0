/**
 * The device's event triggers (`/ISAPI/Event/triggers`): which linkage methods each event has,
 * and the one change this package makes — adding "Notify Surveillance Center" (`center`) to a
 * trigger by splicing one notification into the device's own text, so every other element,
 * attribute, namespace and byte of whitespace goes back exactly as the device sent it.
 * Triggers are XML only (no documented JSON form).
 */
import { IsapiError } from './isapi-error';
import { childElements, leafText, scanXml, type XmlDocument, type XmlElement } from '../xml/scan-xml';
import { applyTextEdits } from '../xml/text-edits';

export interface EventTriggerInfo {
  id: string;
  eventType: string;
  /** Video channel or alarm input number, or null (exceptions such as diskfull). */
  channel: number | null;
  /** The trigger notifies the surveillance center (`center`, or `HTTP` on old ver10 firmware). */
  center: boolean;
  /** Its notification methods, as the device names them. */
  methods: string[];
}

/** One entry of `notifyCenter`: an event type (lower case, or `*`) and its channels (null = all). */
export interface CenterRule {
  eventType: string;
  channels: Set<number> | null;
}

const CHANNEL_ELEMENTS = ['videoInputChannelID', 'dynVideoInputChannelID', 'inputIOPortID', 'dynInputIOPortID'];
const MAX_CHANNEL = 9999;

function leaf(doc: XmlDocument, parent: XmlElement, name: string): string | undefined {
  const found = childElements(parent, name)[0] as XmlElement | undefined;
  if (!found) return undefined;
  return (leafText(doc, found) ?? '').trim();
}

function scan(text: string, what: string): XmlDocument {
  try {
    return scanXml(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new IsapiError('protocol', `the device's ${what} is not readable XML: ${(err as Error).message}`);
  }
}

function notifications(parent: XmlElement): XmlElement[] {
  const list = childElements(parent, 'EventTriggerNotificationList')[0] as XmlElement | undefined;
  return list ? childElements(list, 'EventTriggerNotification') : [];
}

function describeTrigger(doc: XmlDocument, trigger: XmlElement): EventTriggerInfo {
  const methods = notifications(trigger).map((n) => leaf(doc, n, 'notificationMethod') ?? '').filter((m) => m !== '');
  let channel: number | null = null;
  for (const name of CHANNEL_ELEMENTS) {
    const value = leaf(doc, trigger, name);
    if (value !== undefined && /^\d{1,6}$/.test(value)) {
      channel = Number(value);
      break;
    }
  }
  return {
    id: leaf(doc, trigger, 'id') ?? '',
    eventType: leaf(doc, trigger, 'eventType') ?? '',
    channel,
    center: methods.some((m) => m.toLowerCase() === 'center' || m.toLowerCase() === 'http'),
    methods,
  };
}

/** The triggers of an `EventTriggerList` (bare, or inside `EventNotification` as older cameras answer). */
export function parseEventTriggerList(text: string): EventTriggerInfo[] {
  const doc = scan(text, 'event trigger list');
  const list = doc.root.localName === 'EventNotification'
    ? childElements(doc.root, 'EventTriggerList')[0] as XmlElement | undefined
    : doc.root;
  if (!list || list.localName !== 'EventTriggerList') {
    throw new IsapiError('protocol', `the device answered /ISAPI/Event/triggers with <${doc.root.localName}>, not an EventTriggerList`);
  }
  return childElements(list, 'EventTrigger').map((t) => describeTrigger(doc, t));
}

/** One `EventTrigger` document (GET `/ISAPI/Event/triggers/<id>`). */
export function parseEventTrigger(text: string): EventTriggerInfo {
  const doc = scan(text, 'event trigger');
  if (doc.root.localName !== 'EventTrigger') throw new IsapiError('protocol', `expected an EventTrigger, the device sent <${doc.root.localName}>`);
  return describeTrigger(doc, doc.root);
}

/**
 * The trigger with `center` added, or `changed: false` when it already notifies the center.
 * Only new text is inserted: `<id>center</id><notificationMethod>center</notificationMethod>` as
 * real devices write it, with `notificationRecurrence beginning` only when the siblings carry one.
 */
export function withCenterNotification(text: string): { text: string; changed: boolean } {
  const doc = scan(text, 'event trigger');
  const trigger = doc.root;
  if (trigger.localName !== 'EventTrigger') throw new IsapiError('protocol', `expected an EventTrigger, the device sent <${trigger.localName}>`);
  if (describeTrigger(doc, trigger).center) return { text, changed: false };
  const list = childElements(trigger, 'EventTriggerNotificationList')[0] as XmlElement | undefined;
  const prefix = (list ?? trigger).name.includes(':') ? `${(list ?? trigger).name.split(':')[0]}:` : '';
  const siblings = list ? childElements(list, 'EventTriggerNotification') : [];
  const recurrence = siblings.some((n) => childElements(n, 'notificationRecurrence').length > 0);
  const item = `<${prefix}EventTriggerNotification><${prefix}id>center</${prefix}id>`
    + `<${prefix}notificationMethod>center</${prefix}notificationMethod>`
    + (recurrence ? `<${prefix}notificationRecurrence>beginning</${prefix}notificationRecurrence>` : '')
    + `</${prefix}EventTriggerNotification>`;
  let edit;
  if (!list) {
    edit = { start: trigger.closeStart, end: trigger.closeStart, insert: `<${prefix}EventTriggerNotificationList>${item}</${prefix}EventTriggerNotificationList>` };
  } else if (list.selfClosing) {
    // `<EventTriggerNotificationList version="2.0" .../>` becomes an open tag with the item and a close tag.
    const open = doc.text.slice(list.openStart, list.openEnd).replace(/\s*\/>$/, '>');
    edit = { start: list.openStart, end: list.closeEnd, insert: `${open}${item}</${list.name}>` };
  } else {
    const last = siblings.at(-1);
    const at = last ? last.closeEnd : list.openEnd;
    edit = { start: at, end: at, insert: item };
  }
  return { text: applyTextEdits(doc.text, [edit]), changed: true };
}

/**
 * `notifyCenter`: comma-separated event types, each with optional channels — `VMD`,
 * `linedetection:1-4`, `IO:1;3` (a comma separates types, so channels are ranges or `;` lists);
 * `*` = every trigger. Throws an Error naming the bad entry.
 */
export function parseNotifyCenter(spec: string): CenterRule[] {
  const rules: CenterRule[] = [];
  for (const raw of spec.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const match = /^([A-Za-z][\w-]*|\*)(?::([\d;\s-]+))?$/.exec(entry);
    if (!match) throw new Error(`notifyCenter: "${entry}" is not an event type with optional channels (e.g. VMD, linedetection:1-4, *)`);
    const type = match[1];
    const channelText = match[2] as string | undefined;
    let channels: Set<number> | null = null;
    if (channelText !== undefined) {
      channels = new Set();
      for (const part of channelText.split(';').map((p) => p.trim()).filter(Boolean)) {
        const range = /^(\d{1,4})(?:\s*-\s*(\d{1,4}))?$/.exec(part);
        const from = range ? Number(range[1]) : NaN;
        const to = range?.[2] !== undefined ? Number(range[2]) : from;
        if (!range || from < 1 || to < from || to > MAX_CHANNEL) throw new Error(`notifyCenter: bad channels "${part}" in "${entry}" (e.g. 1-4)`);
        for (let c = from; c <= to; c++) channels.add(c);
      }
    }
    rules.push({ eventType: type.toLowerCase(), channels });
  }
  return rules;
}

export function matchesCenterRules(trigger: EventTriggerInfo, rules: readonly CenterRule[]): boolean {
  return rules.some((rule) => (rule.eventType === '*' || rule.eventType === trigger.eventType.toLowerCase())
    && (rule.channels === null || (trigger.channel !== null && rule.channels.has(trigger.channel))));
}
