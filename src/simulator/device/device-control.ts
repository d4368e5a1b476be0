/**
 * The simulated device's switches that tests and demos flip: a reboot that resets the httpHosts
 * slots, going offline and coming back, and a count of the ISAPI requests it answered. Reachable
 * as an API and as plain HTTP under `/simulator/` on the device's own port (no login: it is a
 * test hook, not part of ISAPI).
 */
import type http from 'node:http';

export const CONTROL_PREFIX = '/simulator/';

export interface DeviceControlActions {
  /** Clears every slot; returns the ids that changed. */
  resetSlots(): string[];
  log(line: string): void;
}

export class DeviceControl {
  private offlineNow = false;
  private answered = 0;
  private reboots = 0;

  constructor(private readonly actions: DeviceControlActions) {}

  get offline(): boolean {
    return this.offlineNow;
  }

  /** ISAPI requests that reached the device while online (control requests not counted). */
  get requestCount(): number {
    return this.answered;
  }

  get rebootCount(): number {
    return this.reboots;
  }

  /** Reboot with the slots reset (what users see after a power cut on some firmware, or a reset). */
  reboot(): string[] {
    this.reboots += 1;
    const changed = this.actions.resetSlots();
    this.actions.log(`reboot #${this.reboots}: httpHosts slots reset${changed.length > 0 ? ` (${changed.join(', ')})` : ''}`);
    return changed;
  }

  setOffline(offline: boolean): void {
    if (offline !== this.offlineNow) this.actions.log(offline ? 'offline: dropping every connection' : 'back online');
    this.offlineNow = offline;
  }

  /**
   * Called first for every request. Answers control requests, drops the connection while offline,
   * and counts the rest. Returns true when the request was dealt with here.
   */
  intercept(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path.startsWith(CONTROL_PREFIX)) {
      this.control(req.method ?? 'GET', path.slice(CONTROL_PREFIX.length), res);
      return true;
    }
    if (this.offlineNow) {
      req.socket.destroy();
      return true;
    }
    this.answered += 1;
    return false;
  }

  private control(method: string, action: string, res: http.ServerResponse): void {
    const reply = (status: number, body: object): void => {
      res.statusCode = status;
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(body));
    };
    if (action === 'state' && method === 'GET') {
      reply(200, this.state());
      return;
    }
    if (method !== 'POST') {
      reply(405, { error: 'POST /simulator/reboot | offline | online; GET /simulator/state' });
      return;
    }
    switch (action) {
      case 'reboot':
        reply(200, { ...this.state(), changed: this.reboot() });
        return;
      case 'offline':
        this.setOffline(true);
        reply(200, this.state());
        return;
      case 'online':
        this.setOffline(false);
        reply(200, this.state());
        return;
      default:
        reply(404, { error: `unknown control ${action}` });
    }
  }

  private state(): { offline: boolean; requests: number; reboots: number } {
    return { offline: this.offlineNow, requests: this.answered, reboots: this.reboots };
  }
}
