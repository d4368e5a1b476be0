import assert from 'node:assert/strict';
import { makeJpeg } from '../../../src/simulator/push/jpeg';
import { checkJpeg } from './support/jpeg-check';

describe('simulator: generated JPEG pictures', () => {
  it('are baseline JPEG files a decoder walks from SOI to EOI, every block decoded', () => {
    const jpeg = makeJpeg({ width: 1920, height: 1080, size: 150_000, seed: 4 });
    const report = checkJpeg(jpeg);
    assert.equal(report.width, 1920);
    assert.equal(report.height, 1080);
    assert.equal(report.blocksDecoded, 240 * 135);
    assert.deepEqual(report.segments.slice(0, 2), ['SOI', 'e0']);
    assert.ok(report.segments.includes('c0') && report.segments.includes('c4') && report.segments.includes('da'));
    assert.equal(report.end, jpeg.length, 'nothing after EOI');
  });

  it('have the requested size, including sizes that need several comment segments', () => {
    for (const size of [12_000, 65_541, 65_539 + 4, 200_003, 300_000]) {
      const jpeg = makeJpeg({ width: 640, height: 480, size, seed: 1 });
      assert.equal(jpeg.length, size, `size ${size}`);
      checkJpeg(jpeg);
    }
  });

  it('keep their natural size when asked for less, and odd dimensions still decode', () => {
    const jpeg = makeJpeg({ width: 17, height: 9, size: 10, seed: 2 });
    const report = checkJpeg(jpeg);
    assert.equal(report.blocksDecoded, 3 * 2);
    assert.ok(jpeg.length < 400);
  });

  it('differ from seed to seed and repeat for the same seed', () => {
    const a = makeJpeg({ width: 400, height: 120, size: 12_000, seed: 1 });
    const b = makeJpeg({ width: 400, height: 120, size: 12_000, seed: 2 });
    assert.notDeepEqual(a, b);
    assert.deepEqual(a, makeJpeg({ width: 400, height: 120, size: 12_000, seed: 1 }));
  });

  it('hold no stray FF D9 before the real EOI (naive scanners find the right end)', () => {
    const jpeg = makeJpeg({ width: 1920, height: 1080, size: 150_000, seed: 9 });
    assert.equal(jpeg.indexOf(Buffer.from([0xff, 0xd9])), jpeg.length - 2);
  });
});

describe('simulator: the JPEG check used by these tests', () => {
  it('rejects a cut picture, a missing SOI and damaged entropy data', () => {
    const jpeg = makeJpeg({ width: 64, height: 64, seed: 1 });
    assert.throws(() => checkJpeg(jpeg.subarray(0, jpeg.length - 2)));
    assert.throws(() => checkJpeg(jpeg.subarray(2)));
    const damaged = Buffer.from(jpeg);
    damaged[damaged.length - 3] = 0x00; // the last scan byte loses its 1-bit padding
    assert.throws(() => checkJpeg(damaged));
  });
});
