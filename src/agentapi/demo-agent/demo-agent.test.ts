// The composition root in-process: exit codes, printed lines, and that it
// leaves no handler behind.
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemoAgent, type DemoAgentOptions } from './demo-agent.js';

function harness() {
  const input = new PassThrough();
  const signals = new EventEmitter();
  const output = Object.assign(new EventEmitter(), { text: '', write(chunk: string) { output.text += chunk; } });
  const exits: number[] = [];
  const files = new Map<string, string>();
  const io = {
    input,
    output,
    signals,
    exit: (code: number) => exits.push(code),
    readFile: async (path: string) => {
      const text = files.get(path);
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      return text;
    },
  };
  return { input, signals, output, exits, files, io };
}

const echoDefaults: DemoAgentOptions = { scriptPath: undefined, echo: false, thinkMs: 0, greeting: undefined };

describe('runDemoAgent', () => {
  it('echo mode shows the default greeting and returns 0 when input ends, removing its handlers', async () => {
    const h = harness();
    const done = runDemoAgent(echoDefaults, h.io);
    h.input.end('x\b\x1b[200~hi\x1b[201~\n');
    expect(await done).toBe(0);
    expect(h.output.text.endsWith(
      "\x1b[2J\x1b[HHello! I'm the taskyard demo agent. Send me a message and I'll echo it back.\n> hi\nEcho: hi\n> ",
    )).toBe(true);
    expect(h.signals.eventNames()).toEqual([]);
    expect(h.output.listenerCount('error')).toBe(0);
    expect(h.input.listenerCount('data')).toBe(0);
  });

  it('after a script, --echo continues without the default greeting; an explicit one is shown', async () => {
    for (const [greeting, expectedEnd] of [
      [undefined, 'Ready.\n> hi\nEcho: hi\n> '],
      ['Again!', 'Ready.\nAgain!\n> hi\nEcho: hi\n> '],
    ] as const) {
      const h = harness();
      h.files.set('s.json', '[{"expectMessage":"","responseMessage":"Ready."}]');
      const done = runDemoAgent({ ...echoDefaults, scriptPath: 's.json', echo: true, greeting }, h.io);
      h.input.end('hi\n');
      expect(await done).toBe(0);
      expect(h.output.text.endsWith(expectedEnd)).toBe(true);
    }
  });

  it.each([
    ['missing.json', undefined, "Error loading script: failed to read script file: ENOENT: no such file or directory, open 'missing.json'\n"],
    ['empty.json', '[]', 'Script is empty\n'],
  ])('a bad script (%s) prints one line and returns 1', async (path, text, printed) => {
    const h = harness();
    if (text !== undefined) h.files.set(path, text);
    expect(await runDemoAgent({ ...echoDefaults, scriptPath: path }, h.io)).toBe(1);
    expect(h.output.text).toBe(printed);
    expect(h.signals.eventNames()).toEqual([]);
  });

  it('a mismatch prints the error and returns 1', async () => {
    const h = harness();
    h.files.set('s.json', '[{"expectMessage":"yes","responseMessage":"ok"}]');
    const done = runDemoAgent({ ...echoDefaults, scriptPath: 's.json' }, h.io);
    h.input.write('no\n');
    expect(await done).toBe(1);
    expect(h.output.text.endsWith("> Error: Expected message 'yes' but received 'no'\n")).toBe(true);
  });

  it('SIGINT prints Exiting... and exits 0 through io.exit', async () => {
    const h = harness();
    const done = runDemoAgent(echoDefaults, h.io);
    h.signals.emit('SIGINT');
    expect(h.exits).toEqual([0]);
    expect(h.output.text.endsWith('Exiting...\n')).toBe(true);
    h.input.end();
    await done;
  });
});
