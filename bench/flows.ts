/**
 * The two Node-RED flows the bench deploys. Both end in a `bench-count` node (one message per
 * event), so the Node-RED targets differ only in how a push becomes event messages.
 */
import { COUNT_SINK_TYPE } from './count-sink';
import { HTTP_IN_XML_PATH, ISC_PATH, PUSH_PATH } from './protocol';

export type FlowNode = { id: string; type: string } & Record<string, unknown>;

/**
 * What an integrator writes today behind `http in` (file uploads on): find the event document in
 * the upload's files, its text fields or the parsed body; JSON.parse JSON, pull the usual fields out
 * of XML with regular expressions; pictures kept as Buffers. Output 1: the event; output 2: the
 * request, to `http response`.
 */
const PARSE_PUSH = String.raw`
const field = (xml, name) => {
  const m = new RegExp('<' + name + '>\\s*([^<]*?)\\s*</' + name + '>').exec(xml);
  return m ? m[1] : '';
};
const files = (msg.req && msg.req.files) || [];
let doc = files.find((f) => /xml|json/i.test(f.mimetype) || /\.(xml|json)$/i.test(f.originalname));
let text = doc ? doc.buffer.toString('utf8') : null;
let event = null;
if (text === null) {
  const p = msg.payload;
  if (typeof p === 'string') text = p;
  else if (Buffer.isBuffer(p)) text = p.toString('utf8');
  else if (p && typeof p === 'object') {
    if (p.eventType) event = p;
    else text = Object.values(p).find((v) => typeof v === 'string' && /^\s*[<{]/.test(v)) || null;
  }
}
if (event === null && text !== null) {
  text = text.trim();
  if (text.startsWith('{')) {
    event = JSON.parse(text);
    if (event.EventNotificationAlert) event = event.EventNotificationAlert;
  } else {
    event = {
      eventType: field(text, 'eventType'),
      eventState: field(text, 'eventState'),
      dateTime: field(text, 'dateTime'),
      ipAddress: field(text, 'ipAddress'),
      channelID: field(text, 'channelID') || field(text, 'dynChannelID'),
      licensePlate: field(text, 'licensePlate'),
      xml: text,
    };
  }
}
msg.payload = '';
if (event === null) {
  node.warn('no event in push');
  return [null, msg];
}
event.pictures = files.filter((f) => f !== doc).map((f) => ({ name: f.fieldname, data: f.buffer }));
return [{ topic: 'hikvision/' + event.eventType, payload: event }, msg];
`;

/** The same for an iSC platform's OnEventNotify: one message per event in `params.events`. */
const SPLIT_NOTIFY = String.raw`
const body = typeof msg.payload === 'string' ? JSON.parse(msg.payload) : msg.payload;
const params = (body && body.params) || {};
const events = (params.events || []).map((e) => ({ topic: 'isc/' + params.ability + '/' + e.eventType, payload: e }));
msg.payload = { code: '0', msg: 'success' };
return [events, msg];
`;

function functionNode(id: string, name: string, func: string, wires: string[][]): FlowNode {
  return { id, z: 'tab', type: 'function', name, func, outputs: wires.length, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], wires };
}

export function httpInFlow(): FlowNode[] {
  return [
    { id: 'tab', type: 'tab', label: 'bench: http in' },
    { id: 'in', z: 'tab', type: 'http in', name: '', url: PUSH_PATH, method: 'post', upload: true, swaggerDoc: '', wires: [['parse']] },
    { id: 'in-xml', z: 'tab', type: 'http in', name: '', url: HTTP_IN_XML_PATH, method: 'post', upload: false, swaggerDoc: '', wires: [['parse']] },
    functionNode('parse', 'parse Hikvision push', PARSE_PUSH, [['count'], ['answer']]),
    { id: 'answer', z: 'tab', type: 'http response', name: '', statusCode: '200', headers: {}, wires: [] },
    { id: 'isc-in', z: 'tab', type: 'http in', name: '', url: ISC_PATH, method: 'post', upload: false, swaggerDoc: '', wires: [['split']] },
    functionNode('split', 'split OnEventNotify', SPLIT_NOTIFY, [['count'], ['answer']]),
    { id: 'count', z: 'tab', type: COUNT_SINK_TYPE, name: '', wires: [] },
  ];
}

export interface PackageFlowOptions {
  pushPort: number;
  iscPort: number;
  /** The platform simulator's port; no iSC nodes without it. */
  platformPort: number | null;
  appKey: string;
  images: 'buffer' | 'none';
  /** A simulated device's ISAPI port: an alert-stream node reads its alertStream into the counter. */
  streamPort?: number;
}

/** The listener (pictures kept by default) and the iSC subscriber, both into the counter. */
export function packageFlow(options: PackageFlowOptions): FlowNode[] {
  const flow: FlowNode[] = [
    { id: 'tab', type: 'tab', label: 'bench: hikvision-listener' },
    { id: 'cfg', type: 'hikvision-config', name: '', host: '', port: '', protocol: 'http', listenPort: options.pushPort, listenBind: '127.0.0.1', listenAuth: 'none', listenTls: false, allowList: '' },
    { id: 'listener', z: 'tab', type: 'hikvision-listener', name: '', config: 'cfg', path: '', images: options.images, replays: 'tag', attachments: false, wires: [['count']] },
    { id: 'count', z: 'tab', type: COUNT_SINK_TYPE, name: '', wires: [] },
  ];
  if (options.streamPort !== undefined) {
    flow.push(
      { id: 'device', type: 'hikvision-config', name: '', host: '127.0.0.1', port: options.streamPort, protocol: 'http', listenPort: 0, listenBind: '127.0.0.1', listenAuth: 'none', listenTls: false, allowList: '' },
      { id: 'stream', z: 'tab', type: 'hikvision-alert-stream', name: '', config: 'device', images: options.images, replays: 'tag', attachments: false, heartbeats: 'drop', idleTimeout: 40, wires: [['count']] },
    );
  }
  if (options.platformPort !== null) {
    flow.push(
      { id: 'isc', type: 'hikvision-isc', name: '', host: '127.0.0.1', port: options.platformPort, protocol: 'http', rejectUnauthorized: false },
      {
        id: 'subscribe', z: 'tab', type: 'hikvision-isc-subscribe', name: '', platform: 'isc', eventTypes: '198914,196893', subType: 'raw', eventLvl: '',
        listenPort: options.iscPort, path: ISC_PATH, callbackUrl: `http://127.0.0.1:${options.iscPort}${ISC_PATH}`, unsubscribeOnClose: false,
        resubscribeInterval: 0, wires: [['count'], []],
      },
    );
  }
  return flow;
}
