/**
 * The simulated platform's pictures: a picture service answering `GET /pic?…` without a
 * signature (as the platform's picture port does for the URLs it hands out), and the three signed
 * Artemis picture APIs as integrators use them: ACS pictures by redirect, video pictures by a
 * `picUrl` to fetch, and the face API returning the bytes of any URL it is given.
 */
import type http from 'node:http';
import { cachedJpeg } from '../push/jpeg';
import { PLATFORM_PICTURE_PATHS } from '../../isc/platform-pictures';

/** The JPEG the platform holds for a picture URI or URL: the same bytes for the same `/pic?…` query. */
export function platformPicture(uriOrUrl: string): Buffer {
  const query = uriOrUrl.slice(Math.max(0, uriOrUrl.indexOf('?')));
  let seed = 0;
  for (const char of query) seed = (seed * 31 + char.charCodeAt(0)) % 90_000;
  return cachedJpeg({ width: 640, height: 480, size: 30_000, seed: 10_000 + seed });
}

export const PICTURE_APIS: readonly string[] = Object.values(PLATFORM_PICTURE_PATHS);

function jpeg(res: http.ServerResponse, data: Buffer): void {
  res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': data.length }).end(data);
}

/** `GET /pic?…`; false when the request is not for the picture service. */
export function servePictureService(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = req.url ?? '/';
  if (req.method !== 'GET' || !/^\/pic(\?|$)/.test(url)) return false;
  if (!url.includes('sim=')) res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such picture\n');
  else jpeg(res, platformPicture(url));
  return true;
}

/**
 * A signed, verified call to one of the picture APIs. `origin` is the simulator's own
 * `http(s)://host:port`; `answer` sends an Artemis envelope.
 */
export function servePictureApi(
  api: string,
  body: Record<string, unknown>,
  origin: string,
  res: http.ServerResponse,
  answer: (envelope: { code: string; msg: string; data?: unknown }) => void,
): void {
  const text = (key: string) => (typeof body[key] === 'string' ? body[key] : '');
  if (api === PLATFORM_PICTURE_PATHS.frs) {
    if (!/^https?:\/\/.*\?.*sim=/.test(text('url'))) return answer({ code: '0x02401021', msg: 'url is not a picture this platform stores' });
    return jpeg(res, platformPicture(text('url')));
  }
  const picUri = text('picUri');
  if (!picUri.startsWith('/pic?') || text('svrIndexCode') === '') {
    return answer({ code: '0x02401021', msg: 'svrIndexCode and picUri (/pic?…) are required' });
  }
  if (api === PLATFORM_PICTURE_PATHS.acs) {
    res.writeHead(302, { Location: `${origin}${picUri}`, 'Content-Length': '0' }).end();
    return;
  }
  answer({ code: '0', msg: 'success', data: { picUrl: `${origin}${picUri}` } });
}
