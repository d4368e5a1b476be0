/** Copies of events for the second and later subscribers of one route share nothing mutable. */
import assert from 'node:assert/strict';
import { copyEvents } from '../../../src/push/copy-events';
import type { HikEvent } from '../../../src/push/hik-event';

function event(): HikEvent {
  return {
    eventType: 'ANPR', eventState: 'active', dateTime: '2026-11-20T08:15:42+08:00', channelID: 1, ipAddress: '10.0.0.2',
    macAddress: null, activePostCount: 1, format: 'xml', replay: false,
    event: { ANPR: { licensePlate: '0123', pictureInfoList: { pictureInfo: [{ fileName: 'a.jpg' }] } } },
    images: [{ name: 'licensePlatePicture.jpg', filename: 'a.jpg', contentType: 'image/jpeg', contentId: null, data: Buffer.from([0xff, 0xd8, 1, 0xff, 0xd9]) }],
  };
}

describe('copyEvents', () => {
  it('copies the event tree and the picture bytes: changing the copy leaves the original as it was', () => {
    const original = [event()];
    const [copy] = copyEvents(original, true);
    assert.deepEqual(copy, original[0]);
    (copy.event.ANPR as { licensePlate: string }).licensePlate = 'changed';
    copy.images[0].data[2] = 9;
    assert.equal((original[0].event.ANPR as { licensePlate: string }).licensePlate, '0123');
    assert.equal(original[0].images[0].data[2], 1);
    assert.ok(Buffer.isBuffer(copy.images[0].data));
  });

  it('gives a subscriber without pictures none', () => {
    assert.deepEqual(copyEvents([event()], false)[0].images, []);
  });
});
