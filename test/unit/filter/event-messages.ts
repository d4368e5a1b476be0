/**
 * Messages as the two upstream nodes emit them: the listener's (`HikEvent` payload) and the iSC
 * node's (the OnEventNotify event as sent). Values from the fixtures (test/fixtures).
 */
import type { HikEvent } from '../../../src/push/hik-event';
import type { FilterMessage } from '../../../src/filter/event-filter';

export interface DeviceMessage extends FilterMessage {
  payload: HikEvent;
  topic: string;
  remoteAddress: string;
}

export function deviceEvent(over: Partial<HikEvent> = {}, remoteAddress = '::ffff:192.168.1.64'): DeviceMessage {
  const payload: HikEvent = {
    eventType: 'VMD',
    eventState: 'active',
    dateTime: '2026-11-20T08:15:42+08:00',
    channelID: 1,
    ipAddress: '192.168.1.64',
    macAddress: '44:19:b6:00:00:01',
    activePostCount: 1,
    format: 'xml',
    replay: false,
    event: { eventType: over.eventType ?? 'VMD', channelName: 'Gate' },
    images: [],
    ...over,
  };
  return { payload, topic: `hikvision/${payload.ipAddress ?? '?'}/${payload.eventType}`, remoteAddress };
}

export interface PlatformMessage extends FilterMessage {
  payload: Record<string, unknown>;
  topic: string;
}

export function platformEvent(over: Record<string, unknown> = {}): PlatformMessage {
  const payload: Record<string, unknown> = {
    eventId: '341BEAA4AEAD480484C595488FE5427C',
    eventType: 198914,
    eventTypeName: 'acs.acs.eventType.successCard',
    happenTime: '2026-11-20T09:51:09.000+08:00',
    srcIndex: '73fc53c972f64019b04a636c5757489a',
    srcName: '门2',
    srcParentIndex: '1c4bedc887954edbade674adfeb4dfcd',
    srcType: 'door',
    status: 0,
    timeout: 0,
    data: { ExtEventCardNo: '0004581234', ExtEventPersonNo: '0012', ExtEventDoorID: 2 },
    ...over,
  };
  return { payload, topic: `isc/event_acs/${String(payload.eventType)}` };
}

/** The linkage shape (sample 08): outer eventType 0 and status 4, the original event inside. */
export function linkageEvent(over: Record<string, unknown> = {}): PlatformMessage {
  return platformEvent({
    eventId: 'C8534A4967BD48A7BFF5449D69353EAE',
    eventType: 0,
    eventTypeName: undefined,
    srcIndex: 'aa051118546c4b928ef585f5c1ddb95f',
    srcName: '盗窃嫌疑人',
    srcType: 'eventRule',
    eventLvl: 3,
    status: 0,
    data: undefined,
    eventDetails: [
      { ability: 'event_frs', eventType: 1644175361, srcIndex: '9cb324d352ec4472a401febd184c2965', srcType: 'facegroup' },
    ],
    ...over,
  });
}
