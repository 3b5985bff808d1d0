import { describe, expect, it } from 'vitest';
import { MAX_SSE_EVENT_BYTES, SseParseError, SseParser, type SseMessage } from './sse-parser.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Feeds `chunks` to a fresh parser and returns the events. */
function parse(chunks: readonly (string | Uint8Array)[], maxEventBytes?: number): SseMessage[] {
  const events: SseMessage[] = [];
  const parser = new SseParser({ onEvent: (m) => events.push(m), maxEventBytes });
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? bytes(chunk) : chunk);
  return events;
}

/** Every way of cutting `text` into two chunks, at each byte. */
function everyTwoWaySplit(text: string): Uint8Array[][] {
  const all = bytes(text);
  const splits: Uint8Array[][] = [];
  for (let cut = 0; cut <= all.length; cut++) splits.push([all.subarray(0, cut), all.subarray(cut)]);
  return splits;
}

const screenFrame = (screen: string): string => `event: screen\ndata: ${JSON.stringify({ screen })}\n\n`;

describe('SseParser', () => {
  it.each<[string, string, SseMessage[]]>([
    ['one agentapi frame', screenFrame('> hi'), [{ event: 'screen', data: '{"screen":"> hi"}' }]],
    [
      'two frames back to back',
      screenFrame('a') + screenFrame('b'),
      [
        { event: 'screen', data: '{"screen":"a"}' },
        { event: 'screen', data: '{"screen":"b"}' },
      ],
    ],
    ['multi-line data joined with \\n', 'event: x\ndata: one\ndata: two\ndata:\n\n', [{ event: 'x', data: 'one\ntwo\n' }]],
    ['CRLF line endings', 'event: x\r\ndata: a\r\n\r\n', [{ event: 'x', data: 'a' }]],
    ['CR line endings', 'event: x\rdata: a\r\r', [{ event: 'x', data: 'a' }]],
    ['no event field means "message"', 'data: a\n\n', [{ event: 'message', data: 'a' }]],
    ['comments, id and retry are ignored', ': hi\nid: 7\nretry: 10\nevent: x\ndata: a\n\n', [{ event: 'x', data: 'a' }]],
    ['only one leading space is removed', 'data:  a\ndata:b\n\n', [{ event: 'message', data: ' a\nb' }]],
    ['a field without colon has an empty value', 'data\n\n', [{ event: 'message', data: '' }]],
    ['a block without data is no event', 'event: x\n\ndata: a\n\n', [{ event: 'message', data: 'a' }]],
    ['an unterminated last event is not dispatched', 'data: a\n\ndata: b\n', [{ event: 'message', data: 'a' }]],
    ['a leading BOM is removed', '\uFEFFdata: a\n\n', [{ event: 'message', data: 'a' }]],
    ['a colon inside the value is kept', 'data: {"a":":"}\n\n', [{ event: 'message', data: '{"a":":"}' }]],
    ['non-ASCII text', screenFrame('héllo 世界 🚀'), [{ event: 'screen', data: '{"screen":"héllo 世界 🚀"}' }]],
  ])('%s', (_name, stream, expected) => {
    expect(parse([stream])).toEqual(expected);
    // The same stream cut at every byte (inside CRLF, inside a UTF-8 character) parses the same.
    for (const chunks of everyTwoWaySplit(stream)) expect(parse(chunks)).toEqual(expected);
    // And one byte at a time.
    expect(parse([...bytes(stream)].map((b) => Uint8Array.of(b)))).toEqual(expected);
  });

  it('parses a large screen split into many chunks', () => {
    const screen = Array.from({ length: 1000 }, (_, i) => `row ${i}`.padEnd(80, '.')).join('\n');
    const all = bytes(screenFrame(screen));
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < all.length; at += 16_384) chunks.push(all.subarray(at, at + 16_384));
    const events = parse(chunks);
    expect(events).toHaveLength(1);
    expect((JSON.parse(events[0]!.data) as { screen: string }).screen).toBe(screen);
  });

  it('copies pending bytes, so a caller may reuse its chunk buffer', () => {
    const events: SseMessage[] = [];
    const parser = new SseParser({ onEvent: (m) => events.push(m) });
    const buffer = new Uint8Array(8);
    buffer.set(bytes('data: ab'));
    parser.push(buffer);
    buffer.fill(0x7a);
    parser.push(bytes('\n\n'));
    expect(events).toEqual([{ event: 'message', data: 'ab' }]);
  });

  describe('event size limit', () => {
    // `data: ` + payload + `\n` = payload + 7 bytes.
    const eventOf = (size: number): string => `data: ${'x'.repeat(size - 7)}\n\n`;

    it('is 256 KiB by default', () => {
      expect(MAX_SSE_EVENT_BYTES).toBe(262_144);
      expect(parse([eventOf(MAX_SSE_EVENT_BYTES)])).toHaveLength(1);
      expect(() => parse([eventOf(MAX_SSE_EVENT_BYTES + 1)])).toThrow(SseParseError);
    });

    it('accepts an event of exactly the limit and rejects one byte more', () => {
      expect(parse([eventOf(100)], 100)).toHaveLength(1);
      expect(() => parse([eventOf(101)], 100)).toThrow('event exceeds the limit of 100 bytes');
    });

    it('counts all lines of one event, and starts again at each event', () => {
      const two = 'data: 1234\ndata: 5678\n\n'; // 11 + 11 bytes
      expect(parse([two, two, two], 22)).toHaveLength(3);
      expect(() => parse([two], 21)).toThrow(SseParseError);
    });

    it('fails as soon as an unterminated line passes the limit, without waiting for its end', () => {
      const parser = new SseParser({ onEvent: () => {}, maxEventBytes: 100 });
      parser.push(bytes(`data: ${'x'.repeat(90)}`));
      let caught: unknown;
      try {
        parser.push(bytes('x'.repeat(10)));
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(SseParseError);
      expect((caught as SseParseError).code).toBe('event_too_large');
      // Once failed, it stays failed.
      expect(() => parser.push(bytes('\n\n'))).toThrow(SseParseError);
    });

    it('delivers the events before the oversize one', () => {
      const events: SseMessage[] = [];
      const parser = new SseParser({ onEvent: (m) => events.push(m), maxEventBytes: 20 });
      expect(() => parser.push(bytes(`data: ok\n\ndata: ${'x'.repeat(30)}\n\n`))).toThrow(SseParseError);
      expect(events).toEqual([{ event: 'message', data: 'ok' }]);
    });
  });
});
