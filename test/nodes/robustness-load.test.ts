/**
 * Load without loss: 50 simulated devices push into one listener inside Node-RED (4.1 or 5.0) at
 * once, each on its own kept-alive connection (some chunked, some closing after every event),
 * every event kind in XML, JSON and form bodies, with their pictures. Every event answered 200
 * reaches the flow exactly once — counted per device (its ipAddress) and sequence (its
 * activePostCount). The test asserts counts only: how fast, and how much memory, is measured here
 * but judged by `npm run soak` (scripts/soak.js), which sets LOAD_FIGURES_FILE to receive the
 * figures; `npm run bench` measures throughput on its own.
 *
 * LOAD_SECONDS sets how long the devices push (default 12; scripts/soak.js runs 60).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { NodeMessage } from 'node-red';
import type { HikEvent } from '../../src/push/hik-event';
import { portRegistry } from '../../src/server/port-registry';
import { buildPush, EVENT_KINDS, PushClient, type PushFormat, type Quirks } from '../../src/simulator/push';
import { eventually } from '../support/flow';
import { freePort } from '../support/http';
import { helper, loadFlow, nodeModule } from '../support/node-red';
import { MB, memoryAfterGc } from '../unit/robustness/support/heap';

const DEVICES = 50;
const SECONDS = Number(process.env.LOAD_SECONDS ?? 12);
/** Where scripts/soak.js wants the run's figures (pushes, events per second, memory growth). */
const FIGURES_FILE = process.env.LOAD_FIGURES_FILE;
/** Pushes a device sends per second at most (a busy camera sends a few; this is well above). */
const PER_DEVICE_RATE = 12;
const FORMATS: PushFormat[] = ['XML', 'XML', 'json', 'querystring'];
const QUIRKS: Quirks[] = [{}, {}, { chunked: true }, { connectionClose: true }, { duplicateBoundary: true, noFinalBoundary: true, jpegTrailingBytes: true }, { noHost: true, unescapedAmp: true }];

interface DeviceRun {
  ip: string;
  /** HTTP status per sequence number; null when no answer came. */
  answers: Map<number, number | null>;
}

/**
 * The test helper records every call of node.send/status/log (sinon spies keep their arguments):
 * over a load run that is every message with its pictures. Forgetting them keeps the measurement
 * about the listener.
 */
function forgetRecordedCalls(): void {
  (helper as unknown as { _sandbox: { resetHistory(): void } })._sandbox.resetHistory();
}

function deviceIp(index: number): string {
  return `10.77.${Math.floor(index / 200)}.${(index % 200) + 1}`;
}

async function runDevice(index: number, port: number, stopAt: number): Promise<DeviceRun> {
  const ip = deviceIp(index);
  const quirks = QUIRKS[index % QUIRKS.length];
  const format = FORMATS[index % FORMATS.length];
  const client = new PushClient({ host: '127.0.0.1', port, path: `/device/${index}` }, { timeoutMs: 15_000, quirks });
  const answers = new Map<number, number | null>();
  try {
    for (let sequence = 1; Date.now() < stopAt; sequence++) {
      const started = Date.now();
      const kind = EVENT_KINDS[(index + sequence) % EVENT_KINDS.length];
      const push = buildPush(kind, { deviceIp: ip, activePostCount: sequence, sequence, format, quirks, channel: 1 + (index % 4) });
      try {
        answers.set(sequence, (await client.send(push)).status);
      } catch {
        answers.set(sequence, null);
      }
      const wait = started + 1000 / PER_DEVICE_RATE - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  } finally {
    client.close();
  }
  return { ip, answers };
}

describe(`robustness: 50 devices pushing for ${SECONDS} s on ${process.env.NODE_RED_PACKAGE ?? 'node-red'}`, function () {
  this.timeout((SECONDS + 60) * 1000);

  after(() => helper.unload());

  it('every event answered 200 reaches the flow exactly once', async () => {
    const port = await freePort();
    await loadFlow([nodeModule('hikvision-config'), nodeModule('hikvision-listener')], [
      { id: 'tab', type: 'tab' },
      { id: 'cfg', type: 'hikvision-config', host: '', listenPort: port, listenAuth: 'none', allowList: '' },
      { id: 'listener', type: 'hikvision-listener', z: 'tab', config: 'cfg', path: '', images: 'buffer', replays: 'tag', attachments: true, wires: [['count']] },
      { id: 'count', type: 'helper', z: 'tab' },
    ], { cfg: {} });
    await portRegistry.server({ port, bind: '' }).ready();

    // Count what reaches the flow without keeping the messages (they hold the pictures).
    const seen = new Map<string, number>();
    let pictures = 0;
    let total = 0;
    (helper.getNode('count')).on('input', (msg: NodeMessage) => {
      const event = msg.payload as HikEvent;
      const key = `${event.ipAddress}/${event.activePostCount}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      pictures += event.images.length;
      total++;
    });

    // A warm-up by 50 other devices, so that what is allocated once (picture caches, pools) is in
    // the first measurement.
    const warmUp = await Promise.all(Array.from({ length: DEVICES }, (_, i) => runDevice(DEVICES + i, port, Date.now() + 1500)));
    const warmUpEvents = warmUp.reduce((n, run) => n + run.answers.size, 0);
    await eventually(() => total >= warmUpEvents, 'the warm-up events');
    forgetRecordedCalls();
    const memoryBefore = await memoryAfterGc();
    const forgetting = setInterval(forgetRecordedCalls, 500);
    seen.clear();
    total = 0;
    pictures = 0;

    const stopAt = Date.now() + SECONDS * 1000;
    const runs = await Promise.all(Array.from({ length: DEVICES }, (_, i) => runDevice(i, port, stopAt))).finally(() => clearInterval(forgetting));
    const answered = runs.reduce((n, run) => n + run.answers.size, 0);
    const ok = runs.flatMap((run) => [...run.answers].filter(([, status]) => status === 200).map(([sequence]) => `${run.ip}/${sequence}`));
    const notOk = runs.flatMap((run) => [...run.answers].filter(([, status]) => status !== 200).map(([sequence, status]) => `${run.ip}/${sequence}: ${status}`));
    await eventually(() => total >= ok.length, `${ok.length} events in the flow (got ${total})`, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    assert.deepEqual(notOk, [], 'every push was answered 200');
    assert.deepEqual(runs.filter((run) => run.answers.size === 0).map((run) => run.ip), [], 'every device pushed');
    const missing = ok.filter((key) => seen.get(key) !== 1);
    assert.deepEqual(missing.slice(0, 10), [], `${missing.length} events not delivered exactly once`);
    assert.equal(seen.size, ok.length, 'nothing arrived that was not sent');
    assert.equal(total, ok.length, 'no event twice');
    assert.ok(pictures > ok.length / 3, `pictures came with the events (${pictures})`);

    forgetRecordedCalls();
    const memoryAfter = await memoryAfterGc();
    const figures = {
      nodeRed: process.env.NODE_RED_PACKAGE ?? 'node-red',
      seconds: SECONDS,
      pushes: answered,
      delivered: total,
      eventsPerSecond: Math.round(total / SECONDS),
      memoryGrowthMB: Math.round(((memoryAfter - memoryBefore) / MB) * 10) / 10,
    };
    if (FIGURES_FILE !== undefined) fs.writeFileSync(FIGURES_FILE, JSON.stringify(figures));
  });
});
