/** Where an iSC / HikCentral platform's Artemis gateway is, and the partner credentials to sign with. */
export interface IscPlatform {
  host: string;
  port: number;
  protocol: 'http' | 'https';
  /** Verify the platform's TLS certificate (platforms usually have self-signed ones). */
  rejectUnauthorized: boolean;
  appKey: string;
  appSecret: string;
}

/** `https://host:port`, with IPv6 literals bracketed; never contains credentials. */
export function platformOrigin(platform: Pick<IscPlatform, 'host' | 'port' | 'protocol'>): string {
  const host = platform.host.includes(':') && !platform.host.startsWith('[') ? `[${platform.host}]` : platform.host;
  return `${platform.protocol}://${host}:${platform.port}`;
}
