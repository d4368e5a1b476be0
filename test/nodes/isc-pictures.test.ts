/**
 * The iSC subscribe node's `pictures: fetch` inside a real Node-RED against the platform
 * simulator: the pictures events name arrive in `msg.payload.images`, fetched through the signed
 * picture APIs, byte-exact, in event order.
 */
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { inspect } from 'node:util';
import type { NodeMessage } from 'node-red';
import type { IscEvent } from '../../src/isc/event-notify';
import type { HikImage } from '../../src/push/hik-event';
import { startPlatformSimulator, type PlatformSimulator } from '../../src/simulator/platform/platform-simulator';
import { platformPicture } from '../../src/simulator/platform/picture-service';
import { collect, eventually } from '../support/flow';
import { freePort } from '../support/http';
import { helper, loadFlow, nodeModule } from '../support/node-red';

interface EventMsg extends NodeMessage {
  payload: IscEvent & { images?: HikImage[] };
  topic: string;
}

const APP_KEY = 'pictures-key-4Rt';
const APP_SECRET = 'pictures-secret-Lm20xQ';
const nodes = [nodeModule('hikvision-isc'), nodeModule('hikvision-isc-subscribe')];

describe('hikvision-isc-subscribe pictures', () => {
  let sim: PlatformSimulator;
  let listenPort: number;
  const heard: unknown[] = [];

  beforeEach(async () => {
    sim = await startPlatformSimulator({ appKey: APP_KEY, appSecret: APP_SECRET });
    listenPort = await freePort();
  });
  afterEach(async () => {
    const text = inspect([heard, helper.log().args], { depth: 12, maxArrayLength: null, maxStringLength: null });
    heard.length = 0;
    await helper.unload();
    await sim.close();
    assert.ok(!text.includes(APP_SECRET) && !text.includes(APP_KEY), 'a credential leaked');
  });

  async function deploy(pictures: string, eventTypes: string) {
    await loadFlow(nodes, [
      { id: 'tab', type: 'tab', label: 'iSC' },
      { id: 'platform', type: 'hikvision-isc', z: 'tab', host: '127.0.0.1', port: sim.port, protocol: 'http', rejectUnauthorized: false },
      {
        id: 'sub', type: 'hikvision-isc-subscribe', z: 'tab', x: 100, y: 100, platform: 'platform', eventTypes, subType: 'raw', eventLvl: '',
        listenPort, path: '/isc/events', callbackUrl: `http://127.0.0.1:${listenPort}/isc/events`, unsubscribeOnClose: false,
        resubscribeInterval: 0, pictures, wires: [['out'], []],
      },
      { id: 'out', type: 'helper', z: 'tab', x: 300, y: 100 },
    ], { platform: { appKey: APP_KEY, appSecret: APP_SECRET } });
    const node = helper.getNode('sub') as unknown as EventEmitter;
    for (const event of ['call:warn', 'call:error', 'call:send']) node.on(event, (call: { args: unknown[] }) => heard.push(call.args));
    await eventually(() => sim.subscriptions().length === 1, 'the subscription', 10_000);
    return collect<EventMsg>('out');
  }

  it('fetch: relative ACS URIs, rule image URLs and late parking pictures arrive byte-exact, in event order', async () => {
    const out = await deploy('fetch', '196893,198914,131588,771764226');
    await sim.pushEvents({ kinds: ['face', 'card', 'intrusion', 'parking'] });
    const [face, card, intrusion, parking, parkingPicture] = await out.waitFor(5, 10_000);
    assert.deepEqual([face, card, intrusion, parking, parkingPicture].map((m) => m.topic), [
      'isc/event_acs/196893', 'isc/event_acs/198914', 'isc/event_rule/131588', 'isc/event_pms/771764226', 'isc/event_pms/771764226',
    ]);

    const faceUri = (face.payload.data as Record<string, string>).ExtEventPictureURL;
    assert.equal(face.payload.images?.length, 1);
    const [facePicture] = face.payload.images ?? [];
    assert.ok(facePicture.data.equals(platformPicture(faceUri)), 'ACS picture byte-exact');
    assert.deepEqual([facePicture.name, facePicture.filename, facePicture.contentType, facePicture.source],
      ['ExtEventPictureURL', 'ExtEventPictureURL.jpg', 'image/jpeg', 'url']);
    assert.equal(facePicture.url, `${sim.url}${faceUri}`, 'where the ACS picture API redirected to');

    assert.deepEqual(card.payload.images, [], 'a card swipe names no picture');

    const rule = (intrusion.payload.data as { fielddetection: { imageUrl: string }[] }).fielddetection[0];
    assert.ok(intrusion.payload.images?.[0].data.equals(platformPicture(rule.imageUrl)), 'rule picture byte-exact through the face API');
    assert.equal(intrusion.payload.images?.[0].url, rule.imageUrl);

    assert.deepEqual(parking.payload.images, [], 'the parking event before its picture');
    const plateUrl = (parkingPicture.payload.data as Record<string, string>).picUrl;
    assert.equal(parkingPicture.payload.status, 5);
    assert.ok(parkingPicture.payload.images?.[0].data.equals(platformPicture(plateUrl)));

    const pictureCalls = sim.calls().filter((c) => /picture/.test(c.path)).map((c) => c.path);
    assert.deepEqual(pictureCalls.sort(), [
      '/artemis/api/acs/v1/event/pictures', '/artemis/api/frs/v1/application/picture', '/artemis/api/frs/v1/application/picture',
    ]);
  });

  it('as-sent (the default): events are as the platform sent them, and nothing is fetched', async () => {
    const out = await deploy('as-sent', '196893');
    await sim.pushEvents({ kinds: ['face'] });
    const [face] = await out.waitFor(1);
    assert.equal(face.payload.images, undefined);
    assert.deepEqual(sim.calls().filter((c) => /picture/.test(c.path)), []);
  });

  it('a picture the platform refuses: the event still goes out, without it, and a warning says why', async () => {
    const out = await deploy('fetch', '196893');
    const warned: string[] = [];
    (helper.getNode('sub') as unknown as EventEmitter).on('call:warn', (call: { args: unknown[] }) => warned.push(String(call.args[0])));
    // The platform refuses every authenticated call from now on (as when the partner lacks the API).
    sim.setFault({ code: '0x02401008', msg: 'api not authorized' });
    await sim.pushEvents({ kinds: ['face'] });
    const [face] = await out.waitFor(1);
    assert.deepEqual(face.payload.images, []);
    await eventually(() => warned.length === 1, 'a warning');
    assert.match(warned[0], /0x02401008/);
  });
});
