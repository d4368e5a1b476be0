/**
 * What each simulated event says: the document (XML tree or JSON object), the pictures that go
 * with it and how the device frames it. Field names, order and values follow device captures
 * (device-formats.md); the values are made up but realistic.
 */
import { compactTime, formatDeviceTime } from './device-time';
import type { EventKind, Quirks } from './event-kind';
import type { JpegOptions } from './jpeg';
import { element, leaf, XML_DECLARATION, type XmlElement, type XmlStyle } from '../xml-element';

export const NS_HIKVISION = 'http://www.hikvision.com/ver20/XMLSchema';
export const NS_ISAPI = 'http://www.isapi.org/ver20/XMLSchema';
const NS_SELFEXT = 'urn:selfextension:psiaext-ver10-xsd';

export interface EventContext {
  deviceIp: string;
  mac: string;
  /** Channel number; by default 1 on a camera, 33 and up on an NVR. */
  channel?: number;
  nvr: boolean;
  activePostCount: number;
  replay: boolean;
  sequence: number;
  quirks: Quirks;
  /** The `portNo` the event reports (the device's HTTP port). */
  portNo: number;
  now: Date;
  tzMinutes: number;
  /** Access control: false sends the event without its picture, as plain JSON. */
  pictures: boolean;
  /** ANPR and access control name their pictures by URL on the device instead of sending them (URL mode). */
  pictureUrls: boolean;
}

/** A picture the event names by URL: the device serves it at `path` (behind its login) for a while. */
export interface PictureLink {
  path: string;
  jpeg: JpegOptions;
}

export interface PictureSpec {
  partName: string;
  filename: string;
  contentType: string;
  contentId?: string;
  jpeg: JpegOptions;
}

export interface EventPartSpec {
  name: string;
  filename?: string;
  /** Undefined: the part has no Content-Type (seen on fielddetection pushes). */
  contentType?: string;
  /** `name="x";filename="y"` without spaces, as ANPR cameras write it. */
  compact?: boolean;
}

export interface Framing {
  boundary: string;
  /** `multipart/form-data;boundary=…` without the space (the ISAPI template). */
  compactHeader?: boolean;
  eventPart: EventPartSpec;
}

export interface EventContent {
  eventType: string;
  /** Cameras' XML document (rendered as JSON or form fields when the slot asks for those). */
  document?: XmlElement;
  xmlStyle?: XmlStyle;
  /** JSON-native events: terminals and face cameras send JSON whatever the slot says. */
  json?: Record<string, unknown>;
  jsonIndent?: number;
  pictures: PictureSpec[];
  /** URL mode: pictures the event names by URL instead of carrying them. */
  pictureLinks?: PictureLink[];
  /** Multipart framing the device uses; null: a bare body. */
  framing: Framing | null;
}

const CAMERA_CHANNEL_NAMES = ['Camera 01', '大门入口', 'Parking', 'Warehouse', '后院'];
const PLATES = ['京A12345', '沪B8K2Q7', '粤A0123F', 'KH35192', '0123', '苏E66666'];
const PEOPLE = [
  { name: '张三', employeeNo: '0012', cardNo: '0004581234' },
  { name: '李四', employeeNo: '0007', cardNo: '0001234567' },
  { name: 'Zoë Müller', employeeNo: '00345', cardNo: '0000098765' },
  { name: '王小明', employeeNo: '1024', cardNo: '0030011001' },
];

function pick<T>(list: readonly T[], index: number): T {
  return list[((index % list.length) + list.length) % list.length];
}

function channelOf(ctx: EventContext): number {
  if (ctx.channel !== undefined) return ctx.channel;
  return ctx.nvr ? 33 + (ctx.sequence % 4) : 1;
}

/** When the event happened: now, or for a replayed event some hours before. */
export function eventDate(ctx: EventContext): Date {
  if (!ctx.replay) return ctx.now;
  return new Date(ctx.now.getTime() - (3 * 3600 + (ctx.sequence + 1) * 420) * 1000);
}

function serialNumber(ctx: EventContext): string {
  const tail = ctx.mac.replace(/:/g, '').slice(-6).toUpperCase();
  return ctx.nvr ? `DS-7608NXI-K2/8P0820240101CCRRG${tail}` : `DS-2CD2T46G2-ISU/SL20240101AAWRG${tail}`;
}

function channelNameElement(ctx: EventContext, channel: number): XmlElement {
  const name = ctx.nvr ? `IPCamera ${String(channel - 32).padStart(2, '0')}` : pick(CAMERA_CHANNEL_NAMES, channel - 1);
  if (ctx.quirks.unescapedAmp) return { name: 'channelName', text: `${name} & Gate`, rawAmp: true };
  if (ctx.quirks.emptyElements) return { name: 'channelName', text: '', selfClose: true };
  return leaf('channelName', name);
}

/** The envelope every XML event starts with, in the order cameras (or NVRs) write it. */
function envelope(ctx: EventContext, eventType: string, description: string, state = 'active'): XmlElement[] {
  const channel = channelOf(ctx);
  const empty = ctx.quirks.emptyElements === true;
  const fields: XmlElement[] = [leaf('ipAddress', ctx.deviceIp)];
  if (empty) fields.push({ name: 'ipv6Address', text: '' });
  fields.push(leaf('portNo', ctx.portNo));
  fields.push(leaf(ctx.nvr ? 'protocolType' : 'protocol', 'HTTP'));
  fields.push(leaf('macAddress', ctx.mac));
  if (ctx.nvr || empty) fields.push(leaf('dynChannelID', channel));
  fields.push(empty ? { name: 'channelID', text: '', selfClose: true } : leaf('channelID', channel));
  fields.push(leaf('dateTime', formatDeviceTime(eventDate(ctx), ctx.tzMinutes)));
  fields.push(empty ? { name: 'activePostCount', text: '', selfClose: true } : leaf('activePostCount', ctx.activePostCount));
  fields.push(leaf('eventType', eventType), leaf('eventState', state), leaf('eventDescription', description));
  fields.push(channelNameElement(ctx, channel));
  return fields;
}

/** What follows the event's own fields: the replay flag and, on NVRs, the psia Extensions. */
function trailer(ctx: EventContext, eventType: string): XmlElement[] {
  const fields = [leaf('isDataRetransmission', ctx.replay)];
  if (ctx.nvr) {
    const serial = serialNumber(ctx);
    const when = formatDeviceTime(eventDate(ctx), ctx.tzMinutes);
    fields.push(element('Extensions', [
      { name: 'serialNumber', text: serial, attrs: [['xmlns', NS_SELFEXT]] },
      { name: 'eventPush', text: `${eventType}&&${serial},${when},${channelOf(ctx)},1.0`, attrs: [['xmlns', NS_SELFEXT]] },
    ]));
  }
  return fields;
}

function root(ctx: EventContext, children: XmlElement[], namespace = NS_HIKVISION): XmlElement {
  // NVRs write version 1.0 in the same namespace (HikSink NVR corpus).
  return element('EventNotificationAlert', children, [['version', ctx.nvr ? '1.0' : '2.0'], ['xmlns', namespace]]);
}

function region(id: number, points: [number, number][], target?: { kind: string; seed: number }): XmlElement {
  const children: XmlElement[] = [
    leaf('regionID', id),
    leaf('sensitivityLevel', 50),
    element('RegionCoordinatesList', points.map(([x, y]) => element('RegionCoordinates', [leaf('positionX', x), leaf('positionY', y)]))),
  ];
  if (target) {
    const x = 0.1 + (target.seed % 7) / 10;
    children.push(leaf('detectionTarget', target.kind), element('TargetRect', [
      leaf('X', Number(x.toFixed(6))), leaf('Y', 0.215278), leaf('width', 0.135937), leaf('height', 0.505556),
    ]));
  }
  return element('DetectionRegionEntry', children);
}

function picture(seed: number, partName: string, filename: string, width: number, height: number, size: number, contentId?: string): PictureSpec {
  return { partName, filename, contentType: 'image/jpeg', contentId, jpeg: { width, height, size, seed } };
}

/** `http://<device>:<port><path>`: the device writes its own view of its address into the URL. */
function deviceUrl(ctx: EventContext, path: string): string {
  return `http://${ctx.deviceIp}:${ctx.portNo}${path}`;
}

/** Pictures vary with the sequence, over a small pool so they can be cached during load runs. */
function pictureSeed(kind: EventKind, ctx: EventContext, slot: number): number {
  return (kind.length * 131 + slot * 17 + (ctx.sequence % 16) * 7) % 100_000;
}

function vmd(ctx: EventContext): EventContent {
  const children = envelope(ctx, 'VMD', 'Motion alarm');
  if (!ctx.nvr) {
    // NVRs leave the region data out (HikSink NVR corpus); cameras send their motion grid areas.
    children.push(element('DetectionRegionList', [region(1, [[383, 0], [638, 0], [638, 284], [383, 284]])]));
  }
  children.push(...trailer(ctx, 'VMD'));
  return {
    eventType: 'VMD',
    document: root(ctx, children),
    xmlStyle: { declaration: XML_DECLARATION, indent: '  ', eol: '\n', finalEol: true },
    pictures: [],
    framing: { boundary: 'boundary', eventPart: { name: 'MoveDetection.xml', filename: 'MoveDetection.xml', contentType: 'application/xml; charset="UTF-8"' } },
  };
}

function lineDetection(ctx: EventContext): EventContent {
  const children = envelope(ctx, 'linedetection', 'linedetection alarm');
  children.push(
    element('DetectionRegionList', [region(1, [[424, 642], [161, 610]], { kind: 'human', seed: ctx.sequence })]),
    leaf('detectionPictureTransType', 'binary'),
    leaf('detectionPicturesNumber', 1),
    ...trailer(ctx, 'linedetection'),
  );
  return {
    eventType: 'linedetection',
    document: root(ctx, children),
    // Cameras' alertStream and push documents: CRLF, no indentation, no declaration.
    xmlStyle: { declaration: null, indent: '', eol: '\r\n', finalEol: true },
    pictures: [picture(pictureSeed('linedetection', ctx, 0), 'lineCrossImage', 'lineCrossImage.jpg', 1920, 1080, 82_000)],
    framing: { boundary: 'boundary', eventPart: { name: 'linedetection', contentType: 'application/xml; charset="UTF-8"' } },
  };
}

function fieldDetection(ctx: EventContext): EventContent {
  const children = envelope(ctx, 'fielddetection', 'fielddetection alarm');
  children.push(
    element('DetectionRegionList', [
      region(3, [[572, 100], [572, 995], [999, 998], [992, 210]], { kind: ctx.sequence % 3 === 2 ? 'vehicle' : 'human', seed: ctx.sequence }),
    ]),
    leaf('detectionPictureTransType', 'binary'),
    leaf('detectionPicturesNumber', 1),
    ...trailer(ctx, 'fielddetection'),
  );
  return {
    eventType: 'fielddetection',
    document: root(ctx, children),
    xmlStyle: { declaration: null, indent: '  ', eol: '\n', finalEol: true },
    pictures: [picture(pictureSeed('fielddetection', ctx, 0), 'detectionPicture.jpg', 'detectionPicture.jpg', 1920, 1080, 96_000)],
    // The XML part comes without Content-Type and without filename (ioBroker #7 capture).
    framing: { boundary: 'boundary', compactHeader: true, eventPart: { name: 'fielddetection' } },
  };
}

function io(ctx: EventContext): EventContent {
  const children = envelope(ctx, 'IO', 'IO alarm');
  const port = 1 + (ctx.sequence % 2);
  if (ctx.nvr) children.push(leaf('dynInputIOPortID', port));
  children.push(leaf('inputIOPortID', port), ...trailer(ctx, 'IO'));
  return {
    eventType: 'IO',
    document: root(ctx, children),
    xmlStyle: { declaration: null, indent: '', eol: '\n', finalEol: true },
    pictures: [],
    framing: null,
  };
}

function videoLoss(ctx: EventContext): EventContent {
  const children = [...envelope(ctx, 'videoloss', 'videoloss alarm'), ...trailer(ctx, 'videoloss')];
  return {
    eventType: 'videoloss',
    document: root(ctx, children),
    xmlStyle: { declaration: XML_DECLARATION, indent: '', eol: '\n', finalEol: true },
    pictures: [],
    framing: null,
  };
}

function duration(ctx: EventContext): EventContent {
  const relation = ctx.sequence % 2 === 0 ? 'fielddetection' : 'linedetection';
  const children = envelope(ctx, 'duration', 'duration alarm');
  children.push(element('DurationList', [element('Duration', [leaf('relationEvent', relation)])]), ...trailer(ctx, 'duration'));
  return {
    eventType: 'duration',
    document: root(ctx, children),
    xmlStyle: { declaration: XML_DECLARATION, indent: '    ', eol: '\n', finalEol: true },
    pictures: [],
    framing: null,
  };
}

function anpr(ctx: EventContext): EventContent {
  const when = eventDate(ctx);
  const stamp = compactTime(when, ctx.tzMinutes);
  const plate = pick(PLATES, ctx.sequence);
  const plateId = `${stamp}00${String(ctx.sequence % 1000).padStart(3, '0')}PlAtE`;
  const sceneId = `${stamp}00${String(ctx.sequence % 1000).padStart(3, '0')}ScEnE`;
  const rect = (name: string, x: number, y: number, w: number, h: number): XmlElement =>
    element(name, [leaf('X', x), leaf('Y', y), leaf('width', w), leaf('height', h)]);
  const seed = pictureSeed('anpr', ctx, 0);
  const plateJpeg = { width: 400, height: 120, size: 12_000, seed };
  const sceneJpeg = { width: 1920, height: 1080, size: 158_000, seed: seed + 1 };
  // URL mode: the pictures stay on the device, in the channel's picture track. The element that
  // carries the URL on ANPR cameras is not in any public capture; `pictureURL` is this simulator's choice.
  const track = `/picture/Streaming/tracks/${channelOf(ctx)}03/?name=ch${String(channelOf(ctx)).padStart(5, '0')}_${stamp}`;
  const links: PictureLink[] | null = ctx.pictureUrls
    ? [
      { path: `${track}${ctx.sequence}1&size=${plateJpeg.size}`, jpeg: plateJpeg },
      { path: `${track}${ctx.sequence}2&size=${sceneJpeg.size}`, jpeg: sceneJpeg },
    ]
    : null;
  const children = envelope(ctx, 'ANPR', 'ANPR');
  children.push(
    element('ANPR', [
      leaf('country', /^[A-Z0-9]+$/.test(plate) ? 5 : 59),
      leaf('licensePlate', plate),
      leaf('line', 1),
      leaf('direction', ctx.sequence % 2 === 0 ? 'forward' : 'reverse'),
      leaf('confidenceLevel', 78 + (ctx.sequence % 22)),
      leaf('plateType', '92TypeCivil'),
      leaf('plateColor', 'blue'),
      leaf('licenseBright', 0),
      leaf('dangmark', 'no'),
      leaf('twoWheelVehicle', 'no'),
      leaf('threeWheelVehicle', 'no'),
      leaf('plateCharBelieve', Array.from(plate, () => 99).join(',')),
      leaf('vehicleType', 'vehicle'),
      leaf('detectDir', 8),
      leaf('detectType', 0),
      leaf('alarmDataType', 0),
      element('vehicleInfo', [
        leaf('index', 100 + ctx.sequence),
        leaf('colorDepth', 2),
        leaf('color', pick(['white', 'black', 'gray', 'blue'], ctx.sequence)),
        leaf('length', 0),
        leaf('vehicleLogoRecog', 1060),
        leaf('vehileSubLogoRecog', 0),
        leaf('vehileModel', 0),
      ]),
      element('pictureInfoList', [
        element('pictureInfo', [
          leaf('fileName', 'licensePlatePicture.jpg'), leaf('type', 'licensePlatePicture'), leaf('dataType', 0),
          leaf('picRecogMode', 0), leaf('absTime', stamp), leaf('pId', plateId),
          ...(links ? [leaf('pictureURL', deviceUrl(ctx, links[0].path))] : []),
        ]),
        element('pictureInfo', [
          leaf('fileName', 'detectionPicture.jpg'), leaf('type', 'detectionPicture'), leaf('dataType', 0),
          leaf('picRecogMode', 0), leaf('absTime', stamp),
          rect('plateRect', 544, 835, 40, 35), rect('vehicelRect', 241, 86, 547, 765),
          leaf('pId', sceneId),
          ...(links ? [leaf('pictureURL', deviceUrl(ctx, links[1].path))] : []),
        ]),
      ]),
      leaf('originalLicensePlate', plate),
      leaf('CRIndex', 5),
      leaf('vehicleListName', 'otherList'),
      leaf('plateCategory', ''),
      leaf('plateSize', 0),
    ]),
    leaf('UUID', `${stamp}0${ctx.mac.replace(/:/g, '')}${String(ctx.sequence).padStart(8, '0')}`),
    leaf('picNum', 2),
    leaf('monitoringSiteID', 1),
    ...trailer(ctx, 'ANPR'),
  );
  return {
    eventType: 'ANPR',
    document: root(ctx, children, NS_ISAPI),
    xmlStyle: { declaration: '<?xml version="1.0" encoding="utf-8"?>', indent: '', eol: '\n', finalEol: true },
    pictures: links ? [] : [
      picture(seed, 'licensePlatePicture.jpg', 'licensePlatePicture.jpg', 400, 120, 12_000),
      picture(seed + 1, 'detectionPicture.jpg', 'detectionPicture.jpg', 1920, 1080, 158_000),
    ],
    ...(links ? { pictureLinks: links } : {}),
    // IE-style boundary and no spaces in the part headers (ITC/ANPR capture).
    framing: {
      boundary: `---------------------------7e1${(0x3971310878 + ctx.sequence).toString(16).slice(-10)}`,
      eventPart: { name: 'anpr.xml', filename: 'anpr.xml', contentType: 'application/xml; charset="UTF-8"', compact: true },
    },
  };
}

/** Access terminal event: bare JSON (MinMoe / DS-K1T style), multipart `MIME_boundary` with its picture. */
function accessControl(ctx: EventContext): EventContent {
  const person = pick(PEOPLE, ctx.sequence);
  const face = ctx.sequence % 3 !== 1;
  const serialNo = 1000 + ctx.sequence;
  const jpeg = { width: 432, height: 768, size: 48_000, seed: pictureSeed('acs', ctx, 0) };
  // URL mode (`pictureURLType URL`): the terminal keeps its capture and names it by URL.
  const month = compactTime(eventDate(ctx), ctx.tzMinutes).slice(0, 6);
  const link: PictureLink | null = ctx.pictures && ctx.pictureUrls
    ? { path: `/LOCALS/pic/acsLinkCap/${month}_00/01_${serialNo}_0.jpeg@WEB${String(serialNo).padStart(12, '0')}`, jpeg }
    : null;
  const event: Record<string, unknown> = {
    deviceName: 'Door 1',
    majorEventType: 5,
    subEventType: face ? 75 : 1,
    name: person.name,
    cardReaderKind: 1,
    cardReaderNo: 1,
    verifyNo: 200 + ctx.sequence,
    employeeNoString: person.employeeNo,
    ...(face ? {} : { cardNo: person.cardNo, cardType: 1 }),
    serialNo,
    userType: 'normal',
    currentVerifyMode: 'cardOrFaceOrFp',
    currentEvent: !ctx.replay,
    frontSerialNo: serialNo - 1,
    attendanceStatus: 'checkIn',
    label: 'Check In',
    statusValue: 0,
    mask: 'no',
    purePwdVerifyEnable: true,
    ...(face ? { FaceRect: { height: 0.331, width: 0.204, x: 0.404, y: 0.281 } } : {}),
    picturesNumber: ctx.pictures ? 1 : 0,
    ...(link ? { pictureURL: deviceUrl(ctx, link.path) } : {}),
  };
  const json: Record<string, unknown> = {
    ipAddress: ctx.deviceIp,
    portNo: ctx.portNo,
    protocol: 'HTTP',
    macAddress: ctx.mac,
    channelID: ctx.channel ?? 1,
    dateTime: formatDeviceTime(eventDate(ctx), ctx.tzMinutes),
    activePostCount: ctx.activePostCount,
    eventType: 'AccessControllerEvent',
    eventState: 'active',
    eventDescription: 'Access Controller Event',
    AccessControllerEvent: event,
  };
  return {
    eventType: 'AccessControllerEvent',
    json,
    jsonIndent: 4,
    pictures: ctx.pictures && !link
      ? [picture(jpeg.seed, 'Picture', 'Picture.jpg', jpeg.width, jpeg.height, jpeg.size, 'pictureImage')]
      : [],
    ...(link ? { pictureLinks: [link] } : {}),
    framing: ctx.pictures && !link ? { boundary: 'MIME_boundary', eventPart: { name: 'AccessControllerEvent', contentType: 'application/json' } } : null,
  };
}

/** Face camera (DeepinView) capture: JSON naming its pictures by contentID and pId. */
function faceCapture(ctx: EventContext): EventContent {
  const when = eventDate(ctx);
  const stamp = compactTime(when, ctx.tzMinutes);
  const facePid = `${stamp}00${String(ctx.sequence % 1000).padStart(3, '0')}FaCe${ctx.sequence % 10}`;
  const backgroundPid = `${stamp}00${String(ctx.sequence % 1000).padStart(3, '0')}BaCk${ctx.sequence % 10}`;
  const dateTime = formatDeviceTime(when, ctx.tzMinutes);
  const json: Record<string, unknown> = {
    ipAddress: ctx.deviceIp,
    portNo: ctx.portNo,
    protocol: 'HTTP',
    macAddress: ctx.mac,
    channelID: ctx.channel ?? 1,
    dateTime,
    activePostCount: ctx.activePostCount,
    isDataRetransmission: ctx.replay,
    eventType: 'faceCapture',
    eventState: 'active',
    eventDescription: 'faceCapture',
    channelName: '大门入口',
    faceBackgroundImageResolution: { height: 1504, width: 2560 },
    faceCapture: [{
      targetAttrs: {
        deviceName: '大门入口',
        deviceChannel: ctx.channel ?? 1,
        deviceId: `fa07c000-860f-11b5-8456-${ctx.mac.replace(/:/g, '')}`,
        faceTime: dateTime,
        contentID: 'backgroundImage',
        pId: backgroundPid,
      },
      faces: [{
        faceId: 69_000 + ctx.sequence,
        faceRect: { height: 0.085, width: 0.037, x: 0.375, y: 0.265 },
        contentID: 'faceImage',
        pId: facePid,
        stayDuration: 2830,
        faceScore: 65 + (ctx.sequence % 30),
        captureEndMark: false,
        FacePictureRect: { height: 0.46, width: 0.625, x: 0.208, y: 0.281 },
      }],
      uid: `b8dcde97-4591-47fc-93b4-${String(ctx.sequence).padStart(12, '0')}`,
    }],
    GPS: { divisionEW: 'E', longitude: 0, divisionNS: 'N', latitude: 0 },
  };
  const seed = pictureSeed('facecapture', ctx, 0);
  return {
    eventType: 'faceCapture',
    json,
    jsonIndent: 2,
    pictures: [
      picture(seed, 'faceImage', 'faceImage.jpg', 240, 320, 22_000, facePid),
      picture(seed + 1, 'backgroundImage', 'backgroundImage.jpg', 2560, 1504, 300_000, backgroundPid),
    ],
    framing: { boundary: 'boundary', eventPart: { name: 'faceCapture', contentType: 'application/json' } },
  };
}

/**
 * What the device sends for `POST …/httpHosts/<id>/test`. No capture of the real body exists
 * (device-formats.md §10): a plain XML event whose type says what it is.
 */
export function testEventContent(ctx: EventContext): EventContent {
  const children = [...envelope(ctx, 'test', 'Test Notification'), ...trailer(ctx, 'test')];
  return {
    eventType: 'test',
    document: root(ctx, children),
    xmlStyle: { declaration: XML_DECLARATION, indent: '', eol: '\n', finalEol: true },
    pictures: [],
    framing: null,
  };
}

const BUILDERS: Record<EventKind, (ctx: EventContext) => EventContent> = {
  vmd,
  linedetection: lineDetection,
  fielddetection: fieldDetection,
  io,
  videoloss: videoLoss,
  anpr,
  acs: accessControl,
  facecapture: faceCapture,
  duration,
};

export function eventContent(kind: EventKind, ctx: EventContext): EventContent {
  return BUILDERS[kind](ctx);
}
