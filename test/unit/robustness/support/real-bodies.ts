/**
 * Real bodies to fuzz from: the device and platform fixtures (test/fixtures) and what the
 * device simulator's buildPush sends for every event kind, format and quirk. Built once per process.
 */
import { buildPush, EVENT_KINDS, type PushFormat, type Quirks } from '../../../../src/simulator/push';
import { listSamples, readSample } from '../../../support/samples';
import { ACCESS_TERMINAL_LIST, ANPR_CLIENT_BODY, IPC_LIST, LIST_JSON, NVR_SINGLE, PSIA_NVR, SEED_JSON } from '../../isapi/http-hosts-samples';

export interface RealBody {
  name: string;
  body: Buffer;
  contentType: string | undefined;
}

let devicePushes: RealBody[] | undefined;

/** Complete event samples (XML and JSON files) and a few lines of each alertStream corpus. */
export function devicePushSamples(): RealBody[] {
  if (devicePushes) return devicePushes;
  const bodies: RealBody[] = [];
  for (const name of listSamples('device')) {
    if (name.includes('httpHosts')) continue;
    if (name.endsWith('.xml')) bodies.push({ name, body: readSample(`device/${name}`), contentType: 'application/xml' });
    else if (name.endsWith('.json')) bodies.push({ name, body: readSample(`device/${name}`), contentType: 'application/json' });
    else if (name.endsWith('.jsonl')) {
      const lines = readSample(`device/${name}`).toString('utf8').split('\n').filter(Boolean);
      for (const line of lines.slice(0, 5)) {
        bodies.push({ name, body: Buffer.from((JSON.parse(line) as { content: string }).content), contentType: 'application/xml' });
      }
    }
  }
  devicePushes = bodies;
  return bodies;
}

const QUIRK_SETS: Quirks[] = [{}, { duplicateBoundary: true, noFinalBoundary: true }, { unescapedAmp: true, emptyElements: true, jpegTrailingBytes: true }];
const FORMATS: PushFormat[] = ['XML', 'json', 'querystring'];
let simulated: RealBody[] | undefined;

/** One push per event kind, format and quirk set, as the simulated device sends them (pictures included). */
export function simulatorPushes(): RealBody[] {
  if (simulated) return simulated;
  const bodies: RealBody[] = [];
  let sequence = 0;
  for (const kind of EVENT_KINDS) {
    for (const format of FORMATS) {
      for (const quirks of QUIRK_SETS) {
        const push = buildPush(kind, { format, quirks, sequence: sequence++, nvr: sequence % 4 === 0, replay: sequence % 5 === 0 });
        bodies.push({ name: `${kind}/${format}/${Object.keys(quirks).join('+') || 'plain'}`, body: push.body, contentType: push.headers['Content-Type'] });
      }
    }
  }
  simulated = bodies;
  return bodies;
}

/** Every OnEventNotify sample of the platform. */
export function iscSamples(): RealBody[] {
  return listSamples('isc').filter((name) => name.endsWith('.json'))
    .map((name) => ({ name, body: readSample(`isc/${name}`), contentType: 'application/json' }));
}

/** httpHosts answers: the model's fixtures and the device samples that are whole documents. */
export function httpHostsBodies(): RealBody[] {
  const fixtures: [string, string][] = [
    ['IPC_LIST', IPC_LIST], ['NVR_SINGLE', NVR_SINGLE], ['ACCESS_TERMINAL_LIST', ACCESS_TERMINAL_LIST],
    ['ANPR_CLIENT_BODY', ANPR_CLIENT_BODY], ['PSIA_NVR', PSIA_NVR], ['SEED_JSON', SEED_JSON], ['LIST_JSON', LIST_JSON],
  ];
  const bodies: RealBody[] = fixtures.map(([name, text]) => ({ name, body: Buffer.from(text), contentType: undefined }));
  for (const name of listSamples('device')) {
    if (name.includes('httpHosts') && name.endsWith('.xml')) bodies.push({ name, body: readSample(`device/${name}`), contentType: 'application/xml' });
  }
  return bodies;
}
