/** Where a device's ISAPI answers, and how to log in to it. */
export interface DeviceTarget {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  /** Devices mostly present self-signed certificates; false accepts them. */
  rejectUnauthorized: boolean;
  username: string;
  password: string;
}
