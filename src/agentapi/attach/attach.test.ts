import { describe, expect, it } from 'vitest';
import { runAttach, type AttachDeps } from './attach.js';
import type { AttachClient, StatusResponse } from './client.js';
import { AttachError, screenConnectFailed, StatusCheckError } from './errors.js';
import type { LocalTerminal } from './local-terminal.js';

interface Recorder {
  steps: string[];
  warnings: string[];
}

function deps(
  options: { status?: StatusResponse | Error; tty?: boolean; connect?: Error },
  recorder: Recorder,
): AttachDeps {
  const client: AttachClient = {
    fetchStatus: async () => {
      recorder.steps.push('status');
      if (options.status instanceof Error) throw options.status;
      return options.status ?? { status: 'stable', agent_type: 'custom', transport: 'pty' };
    },
    subscribeScreen: async () => {
      recorder.steps.push('subscribe');
      if (options.connect) throw options.connect;
      return { updates: (async function* () {})(), close: () => recorder.steps.push('close') };
    },
    sendRawInput: async () => {},
  };
  return {
    client,
    stdinIsTerminal: options.tty ?? true,
    openTerminal: (): LocalTerminal => {
      recorder.steps.push('terminal');
      return {
        startInput: () => recorder.steps.push('raw on'),
        stopInput: () => recorder.steps.push('raw off'),
        write: () => {},
        size: () => ({ cols: 80, rows: 24 }),
        onResize: () => () => {},
      };
    },
    signals: { on: () => {}, off: () => {} },
    warn: (message) => recorder.warnings.push(message),
  };
}

async function run(options: Parameters<typeof deps>[0]) {
  const recorder: Recorder = { steps: [], warnings: [] };
  let error: AttachError | undefined;
  try {
    await runAttach(deps(options, recorder));
  } catch (err) {
    if (!(err instanceof AttachError)) throw err;
    error = err;
  }
  return { ...recorder, code: error?.code, message: error?.message };
}

describe('runAttach', () => {
  it('ACP transport: fails before anything else, terminal untouched', async () => {
    const r = await run({ status: { status: 'stable', agent_type: 'claude', transport: 'acp' }, tty: false });
    expect(r).toEqual({ steps: ['status'], warnings: [], code: 'acp_unsupported', message: 'attach is not yet supported in ACP mode' });
  });

  it('a failed status check is only a warning', async () => {
    const r = await run({ status: new StatusCheckError('fetch failed: connect ECONNREFUSED 127.0.0.1:9') });
    expect(r.warnings).toEqual(['failed to check server status: fetch failed: connect ECONNREFUSED 127.0.0.1:9']);
    expect(r.steps).toEqual(['status', 'subscribe', 'terminal', 'raw on', 'raw off', 'close']);
    expect(r.code).toBe('screen_stream_ended');
  });

  it('a server without a transport field (before 0.12) is attached to', async () => {
    const r = await run({ status: { status: 'stable', agent_type: 'claude' } });
    expect(r.steps).toContain('terminal');
  });

  it('stdin not a TTY: fails after the status check, before subscribing or touching the terminal', async () => {
    const r = await run({ tty: false });
    expect(r).toEqual({ steps: ['status'], warnings: [], code: 'not_a_terminal', message: 'attach requires an interactive terminal' });
  });

  it('a screen stream that cannot be opened fails before the terminal is touched', async () => {
    const r = await run({ connect: screenConnectFailed('http://h/internal/screen', new Error('refused')) });
    expect(r.steps).toEqual(['status', 'subscribe']);
    expect(r.message).toBe('failed to connect to http://h/internal/screen: refused');
  });

  it('errors other than a status check failure are not turned into warnings', async () => {
    const recorder: Recorder = { steps: [], warnings: [] };
    await expect(runAttach(deps({ status: new TypeError('bug') }, recorder))).rejects.toThrow('bug');
    expect(recorder.warnings).toEqual([]);
  });
});
