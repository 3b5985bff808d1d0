import { afterEach, describe, expect, it } from 'vitest';
import { Emulator } from './emulator.js';

const emulators: Emulator[] = [];
function open(cols: number, rows: number): Emulator {
  const emulator = new Emulator(cols, rows);
  emulators.push(emulator);
  return emulator;
}
const parsed = (emulator: Emulator) => new Promise<void>((resolve) => emulator.whenParsed(resolve));

afterEach(() => {
  for (const e of emulators.splice(0)) e.dispose();
});

describe('Emulator', () => {
  it('keeps every byte past xterm’s 50,000,000-character discard watermark, in order', async () => {
    const emulator = open(20, 2);
    const chunk = 'y'.repeat(19) + '\r\n';
    const block = chunk.repeat(50_000); // 1,050,000 characters
    // Written synchronously, as a burst of worker messages would arrive;
    // raw xterm throws "write data discarded" here.
    for (let i = 0; i < 52; i++) emulator.write(block);
    emulator.write('last');
    await parsed(emulator);
    expect(emulator.render()).toBe(`${'y'.repeat(19)} \nlast${' '.repeat(16)}`);
  });

  it('answers parse waiters in order with the output written around them', async () => {
    const emulator = open(8, 1);
    const seen: string[] = [];
    const big = 'z'.repeat(17 * 1024 * 1024); // past the hand-over bound, so later writes are held
    emulator.write(big);
    for (const text of ['\ra', '\rb', '\rc']) {
      emulator.write(text);
      emulator.whenParsed(() => seen.push(emulator.render().trimEnd()));
    }
    await parsed(emulator);
    expect(seen).toEqual(['azzzzzzz', 'bzzzzzzz', 'czzzzzzz']);
  });
});
