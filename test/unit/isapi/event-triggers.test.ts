import assert from 'node:assert/strict';
import { DigestClient } from '../../../src/isapi/digest-client';
import { runLinkage } from '../../../src/isapi/event-trigger-linkage';
import {
  matchesCenterRules, parseEventTrigger, parseEventTriggerList, parseNotifyCenter, withCenterNotification,
} from '../../../src/isapi/event-triggers';
import { IsapiError } from '../../../src/isapi/isapi-error';
import { startDeviceSimulator, type DeviceSimulator, type DeviceSimulatorOptions } from '../../../src/simulator/device/device-simulator';

// A camera trigger as the HN fixtures show it (DS-2CD2T46G2-ISU/SL), with a comment and odd spacing to keep.
const VMD = `<?xml version="1.0" encoding="UTF-8"?>
<EventTrigger version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<id>VMD-1</id>
<eventType>VMD</eventType>
<eventDescription>VMD Event trigger Information</eventDescription>
<videoInputChannelID>1</videoInputChannelID>  <dynVideoInputChannelID>1</dynVideoInputChannelID>
<!-- kept -->
<EventTriggerNotificationList>
<EventTriggerNotification><id>IO-1</id><notificationMethod>IO</notificationMethod>
<notificationRecurrence>beginning</notificationRecurrence><outputIOPortID>1</outputIOPortID></EventTriggerNotification>
<EventTriggerNotification><id>record-1</id><notificationMethod>record</notificationMethod>
<notificationRecurrence>beginning</notificationRecurrence><videoInputID>1</videoInputID></EventTriggerNotification>
</EventTriggerNotificationList>
<intervalBetweenEvents>5</intervalBetweenEvents>
</EventTrigger>
`;

const CENTER_ITEM = '<EventTriggerNotification><id>center</id><notificationMethod>center</notificationMethod><notificationRecurrence>beginning</notificationRecurrence></EventTriggerNotification>';

describe('event triggers: document model', () => {
  it('adds center by inserting one notification; every other byte stays', () => {
    const { text, changed } = withCenterNotification(VMD);
    assert.equal(changed, true);
    assert.equal(text.replace(CENTER_ITEM, ''), VMD);
    assert.ok(text.indexOf(CENTER_ITEM) > text.indexOf('<id>record-1</id>'), 'after the last sibling');
    const after = parseEventTrigger(text);
    assert.deepEqual(after.methods, ['IO', 'record', 'center']);
    assert.equal(after.center, true);
    assert.deepEqual(withCenterNotification(text), { text, changed: false }, 'already on: nothing to write');
  });

  it('an NVR trigger without recurrence, a self-closing list, and no list at all', () => {
    const nvr = '<EventTrigger xmlns="http://www.isapi.org/ver20/XMLSchema" version="2.0"><id>VMD-2</id><eventType>VMD</eventType><dynVideoInputChannelID>2</dynVideoInputChannelID><EventTriggerNotificationList><EventTriggerNotification><id>record-2</id><notificationMethod>record</notificationMethod><dynVideoInputID>2</dynVideoInputID></EventTriggerNotification></EventTriggerNotificationList></EventTrigger>';
    const plain = '<EventTriggerNotification><id>center</id><notificationMethod>center</notificationMethod></EventTriggerNotification>';
    assert.equal(withCenterNotification(nvr).text.replace(plain, ''), nvr);
    const empty = '<EventTrigger version="2.0"><id>tamper-1</id><eventType>tamperdetection</eventType><EventTriggerNotificationList version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"/></EventTrigger>';
    assert.equal(
      withCenterNotification(empty).text,
      `<EventTrigger version="2.0"><id>tamper-1</id><eventType>tamperdetection</eventType><EventTriggerNotificationList version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">${plain}</EventTriggerNotificationList></EventTrigger>`,
    );
    const none = '<EventTrigger><id>PIR</id><eventType>PIR</eventType></EventTrigger>';
    assert.equal(withCenterNotification(none).text, `<EventTrigger><id>PIR</id><eventType>PIR</eventType><EventTriggerNotificationList>${plain}</EventTriggerNotificationList></EventTrigger>`);
  });

  it('reads both list roots, channels from any channel element, HTTP as center (ver10)', () => {
    const wrapped = '<EventNotification><EventTriggerList><EventTrigger><id>1</id><eventType>VMD</eventType><EventTriggerNotificationList><EventTriggerNotification><id>1</id><notificationMethod>HTTP</notificationMethod></EventTriggerNotification></EventTriggerNotificationList></EventTrigger><EventTrigger><id>IO-301</id><eventType>IO</eventType><dynInputIOPortID>301</dynInputIOPortID><EventTriggerNotificationList/></EventTrigger></EventTriggerList></EventNotification>';
    assert.deepEqual(parseEventTriggerList(wrapped), [
      { id: '1', eventType: 'VMD', channel: null, center: true, methods: ['HTTP'] },
      { id: 'IO-301', eventType: 'IO', channel: 301, center: false, methods: [] },
    ]);
    assert.throws(() => parseEventTriggerList('<ResponseStatus/>'), (err: unknown) => err instanceof IsapiError && err.kind === 'protocol');
  });

  it('notifyCenter: types, channel ranges, *, and clear errors', () => {
    const rules = parseNotifyCenter(' VMD:1-2 , linedetection, IO:1;301 ');
    const t = (eventType: string, channel: number | null) => ({ id: '', eventType, channel, center: false, methods: [] });
    assert.equal(matchesCenterRules(t('VMD', 2), rules), true);
    assert.equal(matchesCenterRules(t('VMD', 3), rules), false);
    assert.equal(matchesCenterRules(t('LineDetection', 7), rules), true);
    assert.equal(matchesCenterRules(t('IO', 301), rules), true);
    assert.equal(matchesCenterRules(t('diskfull', null), rules), false);
    assert.equal(matchesCenterRules(t('diskfull', null), parseNotifyCenter('*')), true);
    assert.throws(() => parseNotifyCenter('VMD:4-1'), /bad channels "4-1"/);
    assert.throws(() => parseNotifyCenter('VMD 1'), /"VMD 1" is not an event type/);
  });
});

describe('event triggers: linkage against the device simulator', () => {
  let sim: DeviceSimulator;
  let client: DigestClient;

  async function start(options: DeviceSimulatorOptions = {}): Promise<void> {
    sim = await startDeviceSimulator(options);
    client = new DigestClient({ host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false, username: 'admin', password: 'hik12345' });
  }

  afterEach(async () => {
    client.close();
    await sim.close();
  });

  it('camera: reads the triggers, switches center on for VMD and linedetection, keeps every other byte', async () => {
    await start();
    const vmdBefore = sim.triggerText('VMD-1');
    const lineBefore = sim.triggerText('linedetection-1');
    assert.ok(vmdBefore && lineBefore);
    const read = await runLinkage(client, null);
    assert.deepEqual(read.changed, []);
    const field = read.triggers.find((t) => t.id === 'fielddetection-1');
    assert.deepEqual(field, { id: 'fielddetection-1', eventType: 'fielddetection', channel: 1, center: true, methods: ['center'] });

    const out = await runLinkage(client, parseNotifyCenter('VMD, linedetection, fielddetection'));
    assert.deepEqual(out.changed, ['VMD-1', 'linedetection-1'], 'fielddetection-1 already notifies: not written');
    assert.ok(out.triggers.filter((t) => ['VMD-1', 'linedetection-1', 'fielddetection-1'].includes(t.id)).every((t) => t.center));
    const vmdAfter = sim.triggerText('VMD-1') ?? '';
    // The device added version/xmlns to the single trigger it served; the client sent that back with only the center item added.
    const served = vmdBefore.replace('<EventTrigger>', '<EventTrigger version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">');
    assert.equal(vmdAfter.replace(CENTER_ITEM, ''), served);
    assert.deepEqual(out.triggers.find((t) => t.id === 'VMD-1')?.methods, ['IO', 'record', 'center']);
    assert.equal(sim.triggerText('tamper-1')?.includes('center'), false, 'triggers not named stay as they were');
  });

  it('NVR: channels select the triggers, no recurrence added, duplicate ids written once', async () => {
    await start({ nvr: true });
    const out = await runLinkage(client, parseNotifyCenter('VMD:2-3, objectsThrownDetection'));
    assert.deepEqual(out.changed, ['VMD-2', 'VMD-3', 'objectsThrownDetection']);
    assert.equal(out.triggers.find((t) => t.id === 'VMD-4')?.center, false);
    assert.doesNotMatch(sim.triggerText('VMD-2') ?? '', /notificationRecurrence/);
  });

  it('403 without the right: the error names the right to grant and keeps the device status', async () => {
    await start({ triggerRight: false });
    await assert.rejects(runLinkage(client, parseNotifyCenter('VMD')), (err: unknown) => {
      assert.ok(err instanceof IsapiError);
      assert.equal(err.kind, 'forbidden');
      assert.equal(err.httpStatus, 403);
      assert.equal(err.responseStatus?.subStatusCode, 'noPermission');
      assert.match(err.message, /Notify Surveillance Center/);
      return true;
    });
    assert.equal(sim.triggerText('VMD-1')?.includes('center'), false);
  });
});
