import { describe, expect, it } from 'vitest';
import { AttachError } from './errors.js';
import { readScreenUpdates, type ByteChunkReader } from './screen-stream.js';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A reader over fixed chunks; `failWith` makes the read after them throw instead of ending. */
function readerOf(chunks: readonly string[], failWith?: Error): ByteChunkReader {
  const queue = chunks.map(encode);
  return {
    read: async () => {
      const value = queue.shift();
      if (value !== undefined) return { done: false, value };
      if (failWith) throw failWith;
      return { done: true };
    },
  };
}

async function collect(reader: ByteChunkReader, maxEventBytes?: number): Promise<{ screens: string[]; error?: AttachError }> {
  const screens: string[] = [];
  try {
    for await (const screen of readScreenUpdates(reader, maxEventBytes)) screens.push(screen);
    return { screens };
  } catch (err) {
    if (!(err instanceof AttachError)) throw err;
    return { screens, error: err };
  }
}

describe('readScreenUpdates', () => {
  it('yields each screen in order and ends with the stream', async () => {
    const reader = readerOf(['event: screen\ndata: {"screen":"one"}\n', '\nevent: scr', 'een\ndata: {"screen":"t\\u003cwo"}\n\n']);
    expect(await collect(reader)).toEqual({ screens: ['one', 't<wo'] });
  });

  it('skips events of other names', async () => {
    const reader = readerOf(['event: status_change\ndata: {"status":"stable"}\n\nevent: screen\ndata: {"screen":"x"}\n\n']);
    expect(await collect(reader)).toEqual({ screens: ['x'] });
  });

  it.each([
    ['not JSON', 'data: nope', /^failed to read screen: invalid screen event: /],
    ['no screen field', 'data: {"other":1}', /^failed to read screen: invalid screen event: .*screen/s],
    ['screen not a string', 'data: {"screen":3}', /^failed to read screen: invalid screen event: /],
  ])('a payload that is %s ends it with screen_event_invalid', async (_name, line, message) => {
    const { screens, error } = await collect(readerOf([`event: screen\ndata: {"screen":"ok"}\n\nevent: screen\n${line}\n\n`]));
    expect(screens).toEqual(['ok']);
    expect(error?.code).toBe('screen_event_invalid');
    expect(error?.message).toMatch(message);
  });

  it('an oversize event ends it with screen_event_invalid', async () => {
    const { error } = await collect(readerOf([`event: screen\ndata: {"screen":"${'x'.repeat(200)}"}\n\n`]), 100);
    expect(error?.code).toBe('screen_event_invalid');
    expect(error?.message).toBe('failed to read screen: event exceeds the limit of 100 bytes');
  });

  it('a broken connection ends it with screen_stream_lost', async () => {
    const { screens, error } = await collect(readerOf(['event: screen\ndata: {"screen":"a"}\n\n'], new Error('other side closed')));
    expect(screens).toEqual(['a']);
    expect(error?.code).toBe('screen_stream_lost');
    expect(error?.message).toBe('lost the connection to the agentapi server: other side closed');
  });
});
