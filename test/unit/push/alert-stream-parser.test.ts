import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { AlertStreamParser } from '../../../src/push/alert-stream-parser';
import type { HikEvent } from '../../../src/push/hik-event';
import type { PushError } from '../../../src/push/push-error';
import { buildStreamEvent } from '../../../src/simulator/push/build-push';
import { repoRoot } from '../../support/samples';

/** The real parts of a HikSink corpus excerpt (each line `{"content": <part body>}`). */
function corpusParts(name: string): Buffer[] {
  const text = fs.readFileSync(path.join(repoRoot(), 'test/fixtures/device', name), 'utf8');
  return text.split('\n').filter((line) => line.trim() !== '').map((line) => Buffer.from((JSON.parse(line) as { content: string }).content, 'utf8'));
}

/** One part as devices frame it on the stream: the announced length is the body's, line end included. */
function framePart(body: Buffer, headers: string[] = ['Content-Type: application/xml; charset="UTF-8"']): Buffer {
  const head = [...headers, `Content-Length: ${body.length}`].map((h) => `${h}\r\n`).join('');
  return Buffer.concat([Buffer.from(`--boundary\r\n${head}\r\n`), body]);
}

function collect(images = true): { parser: AlertStreamParser; events: HikEvent[]; errors: PushError[] } {
  const events: HikEvent[] = [];
  const errors: PushError[] = [];
  const parser = new AlertStreamParser({ boundary: 'boundary', images, onEvent: (e) => events.push(e), onPartError: (e) => errors.push(e) });
  return { parser, events, errors };
}

function writeInPieces(parser: AlertStreamParser, bytes: Buffer, size: number): void {
  for (let at = 0; at < bytes.length; at += size) parser.write(bytes.subarray(at, at + size));
}

describe('alertStream parser', () => {
  for (const name of ['HikSink__alertStream_parts_camera_excerpt.jsonl', 'HikSink__alertStream_parts_NVR_excerpt.jsonl']) {
    it(`hands on each real part of ${name} as soon as its announced bytes are in`, () => {
      const parts = corpusParts(name);
      const { parser, events, errors } = collect();
      parts.forEach((part, i) => {
        writeInPieces(parser, framePart(part), 97);
        parser.flush(); // the stream went quiet: no picture follows
        assert.equal(events.length, i + 1, `part ${i} out before the next delimiter`);
      });
      assert.deepEqual(errors, []);
      const heartbeats = events.filter((e) => e.eventType === 'videoloss');
      assert.ok(heartbeats.length > 0);
      assert.ok(events.every((e) => e.format === 'xml' && e.dateTime !== ''));
    });
  }

  it('gives the same events whatever the chunk sizes, pictures byte for byte', () => {
    const built = [buildStreamEvent('anpr', { sequence: 1 }), buildStreamEvent('acs', { sequence: 2 }), buildStreamEvent('linedetection', { sequence: 3 })];
    const stream = Buffer.concat(built.flatMap((event) => event.parts.map((part) => Buffer.concat([framePart(part.body, part.headers.filter((h) => !h.startsWith('Content-Length'))), Buffer.from('\r\n')]))));
    for (const size of [1, 13, 4096, stream.length]) {
      const { parser, events, errors } = collect();
      writeInPieces(parser, stream, size);
      parser.end();
      assert.deepEqual(errors, []);
      assert.deepEqual(events.map((e) => e.eventType), built.map((e) => e.eventType), `chunks of ${size}`);
      events.forEach((event, i) => {
        assert.equal(event.images.length, built[i].images.length);
        event.images.forEach((image, j) => assert.ok(image.data.equals(built[i].images[j]), `picture ${j} of ${event.eventType}, chunks of ${size}`));
      });
    }
  });

  it('skips pictures when images are off, and reports a broken part without stopping', () => {
    const { parser, events, errors } = collect(false);
    const anpr = buildStreamEvent('anpr', { sequence: 1 });
    for (const part of anpr.parts) parser.write(Buffer.concat([framePart(part.body, part.headers.filter((h) => !h.startsWith('Content-Length'))), Buffer.from('\r\n')]));
    parser.write(framePart(Buffer.from('<EventNotificationAlert><eventType>VMD</eventType>\r\n')));
    parser.write(framePart(Buffer.from('<EventNotificationAlert><eventType>IO</eventType></EventNotificationAlert>\r\n')));
    parser.end();
    assert.deepEqual(events.map((e) => [e.eventType, e.images.length]), [['ANPR', 0], ['IO', 0]]);
    assert.equal(errors.length, 1);
  });
});
