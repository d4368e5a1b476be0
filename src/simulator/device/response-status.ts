/**
 * The device's `ResponseStatus` answer (httphosts.md "Device response envelope"): XML in the
 * device's namespace, or the JSON form for `?format=json` requests.
 */
import { element, leaf, renderXml, XML_DECLARATION } from '../xml-element';

export interface DeviceStatus {
  httpStatus: number;
  statusCode: number;
  statusString: string;
  subStatusCode: string;
}

export const STATUS = {
  ok: { httpStatus: 200, statusCode: 1, statusString: 'OK', subStatusCode: 'ok' },
  badXmlContent: { httpStatus: 400, statusCode: 6, statusString: 'Invalid XML Content', subStatusCode: 'badXmlContent' },
  badJsonContent: { httpStatus: 400, statusCode: 6, statusString: 'Invalid Content', subStatusCode: 'badJsonContent' },
  notSupport: { httpStatus: 403, statusCode: 4, statusString: 'Invalid Operation', subStatusCode: 'notSupport' },
  invalidOperation: { httpStatus: 403, statusCode: 4, statusString: 'Invalid Operation', subStatusCode: 'invalidOperation' },
  notFound: { httpStatus: 404, statusCode: 4, statusString: 'Invalid Operation', subStatusCode: 'notSupport' },
  methodNotAllowed: { httpStatus: 405, statusCode: 4, statusString: 'Invalid Operation', subStatusCode: 'methodNotAllowed' },
  /** The test notification could not be delivered (the real code is not documented). */
  testFailed: { httpStatus: 500, statusCode: 3, statusString: 'Device Error', subStatusCode: 'deviceError' },
} satisfies Record<string, DeviceStatus>;

export interface RenderedBody {
  contentType: string;
  body: string;
}

export function renderResponseStatus(
  status: DeviceStatus, format: 'xml' | 'json', namespace: string, requestURL: string, errorMsg?: string,
): RenderedBody {
  if (format === 'json') {
    const ok = status.statusCode === 1;
    return {
      contentType: 'application/json; charset="UTF-8"',
      body: JSON.stringify({
        requestURL,
        statusCode: status.statusCode,
        statusString: status.statusString,
        subStatusCode: status.subStatusCode,
        ...(ok ? { errorCode: 1, errorMsg: 'ok' } : { errorMsg: errorMsg ?? status.subStatusCode }),
      }, null, 2),
    };
  }
  const children = [
    leaf('requestURL', requestURL),
    leaf('statusCode', status.statusCode),
    leaf('statusString', status.statusString),
    leaf('subStatusCode', status.subStatusCode),
  ];
  if (errorMsg !== undefined) children.push(leaf('errorMsg', errorMsg));
  const root = element('ResponseStatus', children, [['version', '2.0'], ['xmlns', namespace]]);
  return { contentType: 'application/xml; charset="UTF-8"', body: renderXml(root, { declaration: XML_DECLARATION, indent: '', eol: '\n', finalEol: true }) };
}
