import assert from 'node:assert/strict';
import type { HikEvent } from '../../../src/push/hik-event';
import { isHeartbeat } from '../../../src/isapi/stream-heartbeat';
import { StreamReplays } from '../../../src/isapi/stream-replays';

function event(fields: Partial<HikEvent> = {}, extra: Record<string, unknown> = {}): HikEvent {
  return {
    eventType: 'VMD', eventState: 'active', dateTime: '2026-11-20T08:15:42+08:00', channelID: 1, ipAddress: '192.168.1.64',
    macAddress: null, activePostCount: 1, format: 'xml', replay: false, event: { ...extra }, images: [], ...fields,
  };
}

describe('alertStream replays and heartbeats', () => {
  it('tags events sent again within the window after a reconnect, and only those', () => {
    let now = 0;
    const replays = new StreamReplays(15_000, () => now);
    replays.reconnected(); // the first stream
    const first = event();
    replays.mark(first);
    assert.equal(first.replay, false);
    replays.mark(event());
    now = 60_000;
    replays.reconnected();
    const again = event();
    const fresh = event({ dateTime: '2026-11-20T08:16:42+08:00' });
    replays.mark(again);
    replays.mark(fresh);
    assert.deepEqual([again.replay, fresh.replay], [true, false]);
    now = 80_000; // past the window
    const late = event();
    replays.mark(late);
    assert.equal(late.replay, false);
  });

  it('keeps the marks the device set itself', () => {
    const replays = new StreamReplays();
    replays.reconnected();
    const marked = event({ replay: true });
    replays.mark(marked);
    assert.equal(marked.replay, true);
  });

  it('knows the heartbeats of cameras, NVRs, doorbells and subscribeEvent', () => {
    assert.ok(isHeartbeat(event({ eventType: 'videoloss', eventState: 'inactive', activePostCount: 0 })));
    assert.ok(isHeartbeat(event({ eventType: 'videoloss', eventState: 'inactive', activePostCount: null, channelID: null })));
    assert.ok(isHeartbeat(event({ eventType: 'other', eventState: 'inactive' }, { eventDescription: 'Heartbeat' })));
    assert.ok(isHeartbeat(event({ eventType: 'heartBeat', eventState: 'active', activePostCount: 0 })));
    assert.ok(!isHeartbeat(event({ eventType: 'videoloss', eventState: 'active', activePostCount: 12 })), 'a video loss alarm');
    assert.ok(!isHeartbeat(event({ eventType: 'VMD', eventState: 'inactive' })));
  });
});
