/**
 * Request bodies held while they arrive: in any chunking they come out byte for byte, and a body
 * trickled in a byte at a time — here to the iSC receiver, which anyone on the network can reach —
 * holds memory near its size instead of a Buffer object per byte.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type http from 'node:http';
import { PassThrough } from 'node:stream';
import { IscNotifyReceiver } from '../../../src/isc/notify-receiver';
import { BodyChunks } from '../../../src/net/body-chunks';
import { MB, memoryAfterGc } from './support/heap';
import { chunking, pieces } from './support/mutate';

describe('robustness: bodies held while they arrive', () => {
  it('come out byte for byte whatever the chunking (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40_000 }).map((a) => Buffer.from(a)), chunking(40_000), (body, cuts) => {
      const chunks = new BodyChunks();
      for (const piece of pieces(body, cuts)) chunks.add(Buffer.from(piece));
      assert.equal(chunks.bytes, body.length);
      assert.ok(chunks.concat().equals(body));
    }), { numRuns: 500 });
  });

  it('the iSC receiver holds a body trickled in byte by byte near its size, and reads it', async () => {
    const receiver = new IscNotifyReceiver();
    const got: number[] = [];
    receiver.attach({ events: (notify) => { got.push(notify.events.length); }, malformed: (error) => assert.fail(error.message) });
    // The receiver reads the request as a stream; a PassThrough stands in for the socket's request.
    const req = Object.assign(new PassThrough(), { method: 'POST', headers: {}, socket: { remoteAddress: '127.0.0.1' }, complete: false });
    const res = { writeHead() { return this; }, end() { return this; }, on() { return this; } };
    const body = Buffer.from(`{"method":"OnEventNotify","params":{"ability":"event_acs","events":[{"note":"${'a'.repeat(900_000)}"}]}}`);
    const before = await memoryAfterGc();
    receiver.handle(req as unknown as http.IncomingMessage, res as unknown as http.ServerResponse);
    for (let i = 0; i < body.length; i++) req.write(body.subarray(i, i + 1));
    const held = (await memoryAfterGc()) - before;
    req.end();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(got, [1]);
    assert.ok(held < 16 * MB, `${Math.round(held / MB)} MB held for a 0.9 MB body`);
  });
});
