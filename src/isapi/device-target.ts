/** Where a device's ISAPI answers, and how to log in to it. */
export interface DeviceTarget {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  /** Devices mostly present self-signed certificates; false accepts them. */
  rejectUnauthorized: boolean;
  username: string;
  password: string;
  /**
   * Send the password as Basic when the device offers only Basic (config `allowBasicAuth`). Off
   * unless the user ticked it: Basic is the password in clear to whatever answers at this address.
   */
  allowBasic?: boolean;
}
