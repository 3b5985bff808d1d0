import { describe, expect, it } from 'vitest';
import { RawInputForwarder } from './input-forwarder.js';

/** A send whose calls finish only when the test says so. */
function controlledSend() {
  const calls: { content: string; finish: (err?: Error) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const send = (content: string): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      calls.push({
        content,
        finish: (err) => {
          inFlight--;
          if (err) reject(err);
          else resolve();
        },
      });
    });
  return { calls, send, maxInFlight: () => maxInFlight };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RawInputForwarder', () => {
  it.each([
    ['plain chunk', 'hello', ['hello'], 'forwarded'],
    ['Ctrl+C alone is not sent', '\x03', [], 'detach'],
    ['bytes before Ctrl+C are sent, bytes after it are not', 'ab\x03cd', ['ab'], 'detach'],
    ['escape sequences pass verbatim', '\x1b[A\r', ['\x1b[A\r'], 'forwarded'],
  ])('%s', async (_name, chunk, sent, verdict) => {
    const contents: string[] = [];
    const forwarder = new RawInputForwarder(async (c) => void contents.push(c), () => {});
    expect(forwarder.accept(chunk)).toBe(verdict);
    await forwarder.drained();
    expect(contents).toEqual(sent);
  });

  it('sends chunks one at a time, in the order typed', async () => {
    const ctl = controlledSend();
    const forwarder = new RawInputForwarder(ctl.send, () => {});
    for (const chunk of ['h', 'e', 'l', 'l', 'o', '\r']) forwarder.accept(chunk);
    for (let i = 0; i < 6; i++) {
      await tick();
      expect(ctl.calls).toHaveLength(i + 1);
      ctl.calls[i]!.finish();
    }
    await forwarder.drained();
    expect(ctl.calls.map((c) => c.content).join('')).toBe('hello\r');
    expect(ctl.maxInFlight()).toBe(1);
  });

  it('reports the first failure once and sends nothing after it', async () => {
    const ctl = controlledSend();
    const errors: unknown[] = [];
    const forwarder = new RawInputForwarder(ctl.send, (err) => errors.push(err));
    forwarder.accept('a');
    forwarder.accept('b');
    await tick();
    ctl.calls[0]!.finish(new Error('boom'));
    await forwarder.drained();
    expect(errors).toEqual([new Error('boom')]);
    expect(ctl.calls.map((c) => c.content)).toEqual(['a']);
  });

  it('ignores everything after a detach', async () => {
    const contents: string[] = [];
    const forwarder = new RawInputForwarder(async (c) => void contents.push(c), () => {});
    forwarder.accept('\x03');
    expect(forwarder.accept('more')).toBe('detach');
    await forwarder.drained();
    expect(contents).toEqual([]);
  });
});
