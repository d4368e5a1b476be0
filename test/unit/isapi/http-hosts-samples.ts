/**
 * Real httpHosts bodies from public sources (listed in the shared samples INDEX.md), kept
 * verbatim as fixtures for the model tests.
 */

/** maciej-or/hikvision_next tests/fixtures/ISAPI/Event.notification.httpHosts/ipc_list.xml: an IPC, 3 slots, namespace repeated on each slot. */
export const IPC_LIST = `<?xml version="1.0" encoding="UTF-8"?>
<HttpHostNotificationList version="2.0"
  xmlns="http://www.hikvision.com/ver20/XMLSchema">
  <HttpHostNotification version="2.0"
    xmlns="http://www.hikvision.com/ver20/XMLSchema">
    <id>1</id>
    <url>/api/hikvision</url>
    <protocolType>HTTP</protocolType>
    <parameterFormatType>XML</parameterFormatType>
    <addressingFormatType>ipaddress</addressingFormatType>
    <ipAddress>1.0.0.20</ipAddress>
    <portNo>8123</portNo>
    <userName></userName>
    <httpAuthenticationMethod>none</httpAuthenticationMethod>
    <httpBroken>false</httpBroken>
  </HttpHostNotification>
  <HttpHostNotification version="2.0"
    xmlns="http://www.hikvision.com/ver20/XMLSchema">
    <id>2</id>
    <url>/</url>
    <protocolType>HTTP</protocolType>
    <parameterFormatType>XML</parameterFormatType>
    <addressingFormatType>ipaddress</addressingFormatType>
    <ipAddress>0.0.0.0</ipAddress>
    <portNo>80</portNo>
    <userName></userName>
    <httpAuthenticationMethod>none</httpAuthenticationMethod>
    <httpBroken>false</httpBroken>
  </HttpHostNotification>
  <HttpHostNotification version="2.0"
    xmlns="http://www.hikvision.com/ver20/XMLSchema">
    <id>3</id>
    <url>/</url>
    <protocolType>HTTP</protocolType>
    <parameterFormatType>XML</parameterFormatType>
    <addressingFormatType>ipaddress</addressingFormatType>
    <ipAddress>0.0.0.0</ipAddress>
    <portNo>80</portNo>
    <userName></userName>
    <httpAuthenticationMethod>none</httpAuthenticationMethod>
    <httpBroken>false</httpBroken>
  </HttpHostNotification>
</HttpHostNotificationList>`;

/** maciej-or/hikvision_next nvr_single_item.xml: an NVR, one slot, isapi.org namespace, Extensions in its own namespace. */
export const NVR_SINGLE = `<?xml version="1.0" encoding="UTF-8" ?>
<HttpHostNotificationList version="2.0"
  xmlns="http://www.isapi.org/ver20/XMLSchema">
  <HttpHostNotification>
    <id>1</id>
    <url>/api/hikvision</url>
    <protocolType>HTTP</protocolType>
    <parameterFormatType>XML</parameterFormatType>
    <addressingFormatType>ipaddress</addressingFormatType>
    <ipAddress>1.0.0.20</ipAddress>
    <portNo>8123</portNo>
    <httpAuthenticationMethod>none</httpAuthenticationMethod>
    <Extensions xmlns="urn:selfextension:psiaext-ver10-xsd">
      <intervalBetweenEvents>0</intervalBetweenEvents>
    </Extensions>
  </HttpHostNotification>
</HttpHostNotificationList>`;

/** an access-control terminal (pasted from Postman): SubscribeEvent subtree, empty parameterFormatType, an EHome slot at 0.0.0.0:0. */
export const ACCESS_TERMINAL_LIST = `<?xml version="1.0" encoding="UTF-8"?>
<HttpHostNotificationList version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
    <HttpHostNotification>
        <id>1</id>
        <url>/AccessEvents/push/100001</url>
        <protocolType>HTTP</protocolType>
        <parameterFormatType></parameterFormatType>
        <addressingFormatType>ipaddress</addressingFormatType>
        <ipAddress>18.221.52.251</ipAddress>
        <portNo>8080</portNo>
        <httpAuthenticationMethod>none</httpAuthenticationMethod>
        <SubscribeEvent>
            <heartbeat>30</heartbeat>
            <eventMode>all</eventMode>
            <EventList>
                <Event>
                    <type>AccessControllerEvent</type>
                    <minorAlarm></minorAlarm>
                    <minorException></minorException>
                    <minorOperation></minorOperation>
                    <minorEvent></minorEvent>
                    <pictureURLType>binary</pictureURLType>
                </Event>
            </EventList>
        </SubscribeEvent>
    </HttpHostNotification>
    <HttpHostNotification>
        <id>2</id>
        <url></url>
        <protocolType>EHome</protocolType>
        <parameterFormatType></parameterFormatType>
        <addressingFormatType>ipaddress</addressingFormatType>
        <ipAddress>0.0.0.0</ipAddress>
        <portNo>0</portNo>
        <httpAuthenticationMethod>none</httpAuthenticationMethod>
    </HttpHostNotification>
</HttpHostNotificationList>`;

/** an ANPR camera client's PUT body adapted from its GET: leading indentation, ANPR subtree with an opt attribute. */
export const ANPR_CLIENT_BODY = `        <?xml version="1.0" encoding="UTF-8"?>
        <HttpHostNotificationList version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
            <HttpHostNotification version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
                <id>1</id>
                <url>/</url>
                <protocolType>HTTP</protocolType>
                <parameterFormatType>XML</parameterFormatType>
                <addressingFormatType>ipaddress</addressingFormatType>
                <ipAddress>192.168.1.72</ipAddress>
                <portNo>8080</portNo>
                <userName></userName>
                <httpAuthenticationMethod>none</httpAuthenticationMethod>
                <ANPR>
                    <detectionUpLoadPicturesType opt="all,licensePlatePicture,detectionPicture">detectionPicture</detectionUpLoadPicturesType>
                </ANPR>
            </HttpHostNotification>
        </HttpHostNotificationList>`;

/** access terminal capabilities: hostNumber 2, protocol and authentication options. */
export const ACCESS_TERMINAL_CAPABILITIES = `<HttpHostNotificationCap version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
    <hostNumber>2</hostNumber>
    <urlLen max="128"/>
    <protocolType opt="HTTP,HTTPS,EHome"/>
    <addressingFormatType opt="ipaddress,hostname"/>
    <hostName/>
    <ipAddress opt="ipv4"/>
    <portNo min="0" max="65535"/>
    <userNameLen min="1" max="32"/>
    <passwordLen min="8" max="16"/>
    <httpAuthenticationMethod opt="MD5digest,none,basic"/>
    <SubscribeEventCap>
        <heartbeat min="1" max="30"/>
        <eventMode opt="all,list"/>
        <EventList>
            <Event>
                <type>AccessControllerEvent</type>
                <minorAlarm opt="0x404,0x405,0x40a,0x40b,0x40c,0x40d,0x40e,0x406,0x407,0x40f,0x410"/>
                <minorException opt="0x26,0x27,0x400,0x407,0x408,0x423,0x424,0x428,0x429,0x409,0x40a,0x40f,0x410"/>
                <minorOperation opt="0x50,0x5a,0x5d,0x5e,0x70,0x71,0x76,0x77,0x79,0x7a,0x7b,0x7e,0x86,0x87,0xf0,0xf1,0x137,0x138,0x400,0x401,0x402,0x403,0x404,0x405,0x406,0x407,0x40a,0x40b,0x40c,0x40e,0x419,0x41a,0x421,0x422,0x42f,0x430,0x431,0x432,0x433,0x2601,0x41f,0x420"/>
                <minorEvent opt="0x1,0x6,0x7,0x8,0x9,0xa,0xb,0xc,0xd,0xe,0xf,0x10,0x11,0x12,0x13,0x14,0x15,0x16,0x17,0x18,0x19,0x1a,0x1b,0x1c,0x1f,0x20,0x21,0x22,0x23,0x24,0x25,0x26,0x27,0x31,0x33,0x4b,0x4c,0x50,0x68,0x72,0x73,0x74,0x75,0x82,0x84,0x8e,0x97,0x98,0x9b,0xa4,0xbd,0xb5,0xc1,0xbe,0xbf,0xc0,0x9f,0xa0,0x2,0x3,0x4,0x5,0x28,0x29,0x2a,0x2b,0x2c,0x2d,0x2e,0x2f,0x30,0x36,0x37,0x38,0x39,0x3a,0x3b,0x3c,0x3d,0x3e,0x3f,0x40,0x41,0x42,0x43,0x44,0x99,0x9a,0xa8,0xa2,0xa9,0x77"/>
            </Event>
        </EventList>
    </SubscribeEventCap>
</HttpHostNotificationCap>`;
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
