import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../log.js';
import { ConversationEngine, type EngineOptions } from './engine.js';
import { FakeTerminal } from './fake-terminal.js';

function makeEngine(terminal: FakeTerminal, options: Partial<EngineOptions> = {}): ConversationEngine {
  const engine = new ConversationEngine({
    agentType: 'custom',
    terminal,
    logger: silentLogger(),
    isReady: () => true,
    ...options,
  });
  engine.start();
  return engine;
}

const texts = (engine: ConversationEngine) => engine.messages.map((m) => [m.role, m.text]);

describe('ConversationEngine (fake terminal, fake clock)', () => {
  let engine: ConversationEngine | undefined;
  beforeEach(() => {
    vi.useFakeTimers({ now: Date.parse('2025-01-01T00:00:00Z') });
  });
  afterEach(() => {
    engine?.stop();
    engine = undefined;
    vi.useRealTimers();
  });

  it('splits screens into agent and user messages, replacing the last agent message as the screen changes', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('1');
    engine = makeEngine(terminal);
    await vi.advanceTimersByTimeAsync(2100);
    expect(texts(engine)).toEqual([['agent', '1']]);

    terminal.onWrite = (data) => {
      if (data === '\r') terminal.setScreen('1\n3');
    };
    const sent = engine.sendUserMessage('2');
    await vi.advanceTimersByTimeAsync(5000);
    await sent;
    await vi.advanceTimersByTimeAsync(100);
    expect(texts(engine)).toEqual([
      ['agent', '1'],
      ['user', '2'],
      ['agent', '3'],
    ]);

    terminal.setScreen('1\n3x');
    await vi.advanceTimersByTimeAsync(100);
    expect(texts(engine)).toEqual([
      ['agent', '1'],
      ['user', '2'],
      ['agent', '3x'],
    ]);
    expect(engine.messages.map((m) => m.id)).toEqual([0, 1, 2]);
  });

  it('is running for the first 2 s, stable 2 s after the last change, and running again within 25 ms of a change', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('hello');
    engine = makeEngine(terminal);
    await vi.advanceTimersByTimeAsync(1975);
    expect(engine.publicStatus()).toBe('running');
    await vi.advanceTimersByTimeAsync(50);
    expect(engine.publicStatus()).toBe('stable');

    terminal.setScreen('hello again');
    await vi.advanceTimersByTimeAsync(25);
    expect(engine.publicStatus()).toBe('running');
    await vi.advanceTimersByTimeAsync(1950);
    expect(engine.publicStatus()).toBe('running');
    await vi.advanceTimersByTimeAsync(75);
    expect(engine.publicStatus()).toBe('stable');
  });

  it('publishes status_change events when the status flips, without polling while idle', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('idle');
    engine = makeEngine(terminal);
    const sub = engine.publisher.events.subscribe();
    await vi.advanceTimersByTimeAsync(2100);
    const events = [];
    for (let e = await sub.next(); e && events.length < 10; e = await Promise.race([sub.next(), Promise.resolve(undefined)])) {
      events.push(e);
    }
    expect(events.filter((e) => e.type === 'status_change').map((e) => e.data)).toContainEqual({
      status: 'stable',
      agent_type: 'custom',
    });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('never becomes stable for claude without an input box, and rejects sends at once', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('Welcome to Claude Code\nloading...');
    engine = new ConversationEngine({ agentType: 'claude', terminal, logger: silentLogger() });
    engine.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(engine.publicStatus()).toBe('running');
    await expect(engine.sendUserMessage('hi')).rejects.toThrow(
      'message can only be sent when the agent is waiting for user input',
    );
    expect(terminal.writes).toEqual([]);
  });

  it('writes exactly x, backspace, bracketed paste of the text, then a carriage return', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('> ');
    engine = makeEngine(terminal);
    await vi.advanceTimersByTimeAsync(2100);
    terminal.onWrite = (data) => {
      if (data === '\r') terminal.setScreen('> hello\nworking');
    };
    const sent = engine.sendUserMessage('hello');
    await vi.advanceTimersByTimeAsync(5000);
    await sent;
    expect(terminal.writes.map((w) => w.data).join('')).toBe('x\b\x1b[200~hello\x1b[201~\r');
  });

  it('sends the carriage return about 2 s after the text to an agent that does not echo', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('> ');
    engine = makeEngine(terminal);
    await vi.advanceTimersByTimeAsync(2100);
    terminal.onWrite = (data) => {
      if (data === '\r') terminal.setScreen('> done');
    };
    const sent = engine.sendUserMessage('quiet');
    await vi.advanceTimersByTimeAsync(5000);
    await sent;
    const textAt = terminal.writes[0]!.at;
    const enterAt = terminal.writesOf('\r')[0]!.at;
    expect(enterAt - textAt).toBeGreaterThanOrEqual(2000);
    expect(enterAt - textAt).toBeLessThan(3100);
  });

  it('fails 15 s into phase 2 when Enter never has an effect, after pressing it 5 times ≥ 3 s apart', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('> ');
    engine = makeEngine(terminal);
    await vi.advanceTimersByTimeAsync(2100);
    const sent = engine.sendUserMessage('ignored');
    const outcome = sent.then(
      () => 'resolved',
      (err: Error) => err.message,
    );
    await vi.advanceTimersByTimeAsync(20_000);
    expect(await outcome).toBe('failed to send message: failed to wait for processing to start: timeout waiting for condition');
    const enters = terminal.writesOf('\r');
    expect(enters).toHaveLength(5);
    for (let i = 1; i < enters.length; i++) expect(enters[i]!.at - enters[i - 1]!.at).toBeGreaterThanOrEqual(3000);
    const phase2Start = enters[0]!.at;
    expect(Date.now() - phase2Start).toBeGreaterThanOrEqual(15_000);
    expect(engine.messages.filter((m) => m.role === 'user')).toEqual([]);
  });

  it('rejects empty and untrimmed text with the stable messages', async () => {
    const terminal = new FakeTerminal();
    engine = makeEngine(terminal);
    await expect(engine.sendUserMessage('')).rejects.toThrow('message must not be empty');
    await expect(engine.sendUserMessage(' x ')).rejects.toThrow(
      'message must be trimmed of leading and trailing whitespace',
    );
  });

  it('writes the initial prompt only after readiness and stays running until it was sent', async () => {
    const terminal = new FakeTerminal();
    terminal.setScreen('booting');
    let ready = false;
    engine = makeEngine(terminal, { initialPrompt: 'first task', isReady: () => ready });
    await vi.advanceTimersByTimeAsync(5000);
    expect(terminal.writes).toEqual([]);
    expect(engine.publicStatus()).toBe('running');

    terminal.onWrite = (data) => {
      if (data === '\r') terminal.setScreen('> first task\nworking on it');
    };
    ready = true;
    terminal.setScreen('> ');
    await vi.advanceTimersByTimeAsync(1000);
    expect(engine.publicStatus()).toBe('running');
    expect(terminal.writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(6000);
    expect(terminal.writes.map((w) => w.data).join('')).toBe('x\b\x1b[200~first task\x1b[201~\r');
    expect(engine.messages.filter((m) => m.role === 'user').map((m) => m.text)).toEqual(['first task']);
    expect(engine.initialPrompt).toEqual({ text: 'first task', sent: true });
  });
});
