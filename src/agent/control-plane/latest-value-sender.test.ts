import { describe, expect, it } from 'vitest';
import { LatestValueSender } from './latest-value-sender.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('LatestValueSender', () => {
  it('sends one value at a time; values queued meanwhile collapse to the newest', async () => {
    const delivered: number[] = [];
    const gates = [deferred(), deferred()];
    const sender = new LatestValueSender<number>(async (v) => {
      delivered.push(v);
      await gates[delivered.length - 1]?.promise;
    });
    const first = sender.send(1);
    const second = sender.send(2);
    const third = sender.send(3);
    await Promise.resolve();
    expect(delivered).toEqual([1]);
    gates[0]!.resolve();
    await first;
    gates[1]!.resolve();
    await Promise.all([second, third]);
    expect(delivered).toEqual([1, 3]);
    await sender.idle();
  });

  it('merges pending values when told how (app health: per-app changes add up)', async () => {
    const delivered: Record<string, string>[] = [];
    const gate = deferred();
    const sender = new LatestValueSender<Record<string, string>>(
      async (v) => {
        delivered.push(v);
        if (delivered.length === 1) await gate.promise;
      },
      (older, newer) => ({ ...older, ...newer }),
    );
    const all = [sender.send({ a: 'initializing' }), sender.send({ a: 'healthy' }), sender.send({ b: 'unhealthy' })];
    gate.resolve();
    await Promise.all(all);
    expect(delivered).toEqual([{ a: 'initializing' }, { a: 'healthy', b: 'unhealthy' }]);
  });

  it('a failed delivery rejects the callers it covered; the next value still goes out', async () => {
    let calls = 0;
    const sender = new LatestValueSender<string>(async (v) => {
      if (++calls === 1) throw new Error(`rejected ${v}`);
    });
    await expect(sender.send('x')).rejects.toThrow('rejected x');
    await expect(sender.send('y')).resolves.toBeUndefined();
  });
});
