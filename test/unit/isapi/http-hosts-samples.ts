/**
 * Real httpHosts bodies from public sources (test/fixtures/device, sources in test/fixtures/INDEX.md)
 * for the model tests, and a few rebuilt or written here.
 */
import { readSample } from '../../support/samples';

const device = (file: string): string => readSample(`device/${file}`).toString('utf8');

/** maciej-or/hikvision_next tests/fixtures/ISAPI/Event.notification.httpHosts/ipc_list.xml: an IPC, 3 slots, namespace repeated on each slot. */
export const IPC_LIST = device('hikvision_next__httpHosts_ipc_list.xml');

/** maciej-or/hikvision_next nvr_single_item.xml: an NVR, one slot, isapi.org namespace, Extensions in its own namespace. */
export const NVR_SINGLE = device('hikvision_next__httpHosts_nvr_single_item.xml');

/** an access-control terminal (pasted from Postman): SubscribeEvent subtree, empty parameterFormatType, an EHome slot at 0.0.0.0:0. */
export const ACCESS_TERMINAL_LIST = device('unknown-5924226780__httpHosts_list_access_terminal_SubscribeEvent.xml');

/** an ANPR camera client's PUT body adapted from its GET: leading indentation, ANPR subtree with an opt attribute. */
export const ANPR_CLIENT_BODY = device('unknown-33188376189__httpHosts_ANPR_detectionUpLoadPicturesType_client_body.xml');

/** access terminal capabilities: hostNumber 2, protocol and authentication options. */
export const ACCESS_TERMINAL_CAPABILITIES = device('unknown-5924226780__httpHosts_capabilities_access_terminal.xml');
/**
 * An NVR with the PSIA namespace, rebuilt as XML from the xmltodict log in hikvision_next issue 277:
 * version/xmlns repeated on the slot, Extensions in the hikvision namespace.
 */
export const PSIA_NVR = `<?xml version="1.0" encoding="UTF-8"?>
<HttpHostNotificationList version="1.0" xmlns="urn:psialliance-org">
<HttpHostNotification version="1.0" xmlns="urn:psialliance-org">
<id>1</id>
<url>/api/hikvision</url>
<protocolType>HTTP</protocolType>
<parameterFormatType>XML</parameterFormatType>
<addressingFormatType>ipaddress</addressingFormatType>
<ipAddress>192.168.9.200</ipAddress>
<portNo>8123</portNo>
<httpAuthenticationMethod>none</httpAuthenticationMethod>
<Extensions xmlns="http://www.hikvision.com/ver20/XMLSchema">
<intervalBetweenEvents>0</intervalBetweenEvents>
</Extensions>
</HttpHostNotification>
</HttpHostNotificationList>
`;

/** The JSON shape of the seed's annex: a bare HttpHostNotification array beside the status fields. */
export const SEED_JSON = `{
  "requestURL": "test",
  "statusCode": 1,
  "statusString": "test",
  "subStatusCode": "test",
  "HttpHostNotification": [
    {
      "id": "1",
      "url": "http://10.7.35.19:9000/alarm",
      "protocolType": "HTTP",
      "parameterFormatType ": "json",
      "addressingFormatType": "ipaddress",
      "ipAddress": "10.7.35.19",
      "portNo": 7200,
      "httpAuthenticationMethod": "MD5digest",
      "uploadImagesDataType": "URL",
      "format": "json",
      "eventType": "alarmResult,captureResult"
    },
    {
      "id": "2",
      "url": "/",
      "protocolType": "HTTP",
      "parameterFormatType": "json",
      "addressingFormatType": "ipaddress",
      "ipAddress": "0.0.0.0",
      "portNo": 80,
      "httpAuthenticationMethod": "none",
      "eventType": ""
    }
  ]
}`;

/** The list wrapper other firmware uses in JSON: an array of {"HttpHostNotification": {…}}. */
export const LIST_JSON =
  '{"HttpHostNotificationList":[{"HttpHostNotification":{"id":"1","url":"/","protocolType":"HTTP","parameterFormatType":"XML",' +
  '"addressingFormatType":"ipaddress","ipAddress":"0.0.0.0","portNo":"80","httpAuthenticationMethod":"none","Extensions":{"intervalBetweenEvents":0}}},' +
  '{"HttpHostNotification":{"id":"2","url":"/","protocolType":"HTTP","parameterFormatType":"XML","addressingFormatType":"ipaddress",' +
  '"ipAddress":"0.0.0.0","portNo":"80","httpAuthenticationMethod":"none"}}]}';
