// agent.md §3.6 acceptance checks through the REAL `taskyard agent --url …
// --token …` bin against a fake control plane (test/helpers/fake-control-
// plane.ts): lifecycle order, the stop sequence on a `shutdown` event and on
// SIGTERM (stop script using the agent token and `taskyard sync list`, `off`
// before the socket file goes, exit 0), script output with sources and
// levels, one timing per run, and AgentAPI status → app-status with the real
// agentapi and its demo agent. Plus the token-rejection exit and bad input.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { scriptTimingSchema } from '../src/protocol/agent-reports.js';
import { runAgent } from '../src/cli/agent-command.js';
import { demoAgent, startAgentApi, stopAllAgentApis } from './helpers/agentapi-process.js';
import { FakeControlPlane, IDS, makeManifest, type RecordedRequest, type ScriptSpec } from './helpers/fake-control-plane.js';

const TASKYARD_BIN = fileURLToPath(new URL('../bin/taskyard.js', import.meta.url));
const SYNC = `'${process.execPath}' '${TASKYARD_BIN}' sync`;

const START: ScriptSpec = {
  id: '00000000-0000-4000-8000-0000000000c1',
  log_source_id: '00000000-0000-4000-8000-0000000000d1',
  display_name: 'Start',
  resource_address: 'coder_script.start',
  run_on_start: true,
  script: 'echo hello-out; echo hello-err >&2',
};

const STOP: ScriptSpec = {
  id: '00000000-0000-4000-8000-0000000000c2',
  log_source_id: '00000000-0000-4000-8000-0000000000d2',
  display_name: 'Stop',
  resource_address: 'coder_script.stop',
  run_on_stop: true,
  script: [
    'curl -sS -o /dev/null -w "curl-status=%{http_code}\\n" -H "Coder-Session-Token: $CODER_AGENT_TOKEN" "$CODER_AGENT_URL/api/v2/workspaceagents/me/manifest"',
    `${SYNC} list`,
    'echo "sync-exit=$?"',
  ].join('\n'),
};

interface Agent {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; at: number }>;
}

const children = new Set<ChildProcess>();
let dir: string;
let socketPath: string;
let fake: FakeControlPlane;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'taskyard-agent-cp-'));
  socketPath = join(dir, 'agent.sock');
  fake = await new FakeControlPlane().start();
});

afterEach(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await stopAllAgentApis();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The inherited environment minus the agent's own variables, so only the flags count. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CODER_') && !k.startsWith('TASKYARD_')));
}

function startAgent(token = fake.token): Agent {
  const child = spawn(
    process.execPath,
    [TASKYARD_BIN, 'agent', '--url', fake.url, '--token', token, '--log-dir', dir, '--script-data-dir', dir, '--socket-path', socketPath],
    { env: cleanEnv(), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, at: Date.now() });
    }),
  );
  return { child, stderr: () => stderr, exited };
}

type LogBody = { log_source_id: string; logs: { output: string; level: string }[] };
const outputOf = (sourceId: string) =>
  fake.accepted<LogBody>('logs').filter((b) => b.log_source_id === sourceId).flatMap((b) => b.logs);

/** Records, at the moment the agent reports `off`, whether its socket file still exists. */
function watchSocketAtOff(): { atOff: boolean | undefined; offAt: number } {
  const seen = { atOff: undefined as boolean | undefined, offAt: 0 };
  fake.onRequest = (req: RecordedRequest) => {
    if (req.path === 'lifecycle' && (req.body as { state?: string }).state === 'off') {
      seen.atOff = existsSync(socketPath);
      seen.offAt = req.at;
    }
  };
  return seen;
}

/** The §3.4 checks shared by the `shutdown` event and SIGTERM. */
async function expectStopSequence(agent: Agent, before: string[], seen: { atOff: boolean | undefined; offAt: number }): Promise<void> {
  const exit = await agent.exited;
  expect(exit.code, agent.stderr()).toBe(0);
  expect(fake.lifecycleStates()).toEqual([...before, 'shutting_down', 'off']);
  // The stop script reached the control plane with the agent's token while the agent was shutting down …
  // The agent's own transition time: the report itself is sent without waiting (it is retried until
  // accepted, and the stop scripts must not wait for that), so it may arrive after the script's call.
  const shuttingDown = fake.requestsTo('lifecycle').find((r) => (r.body as { state: string }).state === 'shutting_down')!;
  const shuttingDownAt = Date.parse((shuttingDown.body as { changed_at: string }).changed_at);
  const scriptCall = fake.requests.find((r) => r.userAgent?.startsWith('curl/'));
  expect(scriptCall).toMatchObject({ method: 'GET', path: 'manifest', token: fake.token, status: 200 });
  expect(scriptCall!.at).toBeGreaterThanOrEqual(shuttingDownAt);
  expect(scriptCall!.at).toBeLessThanOrEqual(seen.offAt);
  // … and `taskyard sync list` worked over the still-open socket, seeing the scripts' units.
  const stopOutput = outputOf(STOP.log_source_id).map((l) => l.output);
  expect(stopOutput).toContain('curl-status=200');
  expect(stopOutput).toContain('sync-exit=0');
  expect(stopOutput.find((l) => l.startsWith('coder_script.start'))).toMatch(/^coder_script\.start\s+completed\s+true/);
  expect(stopOutput.find((l) => l.startsWith('coder_script.stop'))).toMatch(/^coder_script\.stop\s+started\s+true/);
  // `off` went out while the socket still existed; it was gone when the process exited.
  expect(seen.atOff).toBe(true);
  expect(existsSync(socketPath)).toBe(false);
  expect(exit.at).toBeGreaterThanOrEqual(seen.offAt);
  // One timing per run, with the §2.4.8 fields.
  const timings = fake.accepted<Record<string, unknown>>('script-timings');
  const stopTimings = timings.filter((t) => t.script_id === STOP.id);
  expect(stopTimings).toHaveLength(1);
  expect(stopTimings[0]).toMatchObject({ stage: 'STOP', status: 'ok', exit_code: 0 });
  for (const t of timings) {
    expect(Object.keys(t).sort()).toEqual(['end', 'exit_code', 'script_id', 'stage', 'start', 'status']);
    expect(scriptTimingSchema.safeParse(t).success).toBe(true);
  }
}

describe('taskyard agent --url --token against a fake control plane (agent.md §3.6)', () => {
  it('created → starting → ready; output with sources and levels; a shutdown event runs the stop sequence and exits 0', async () => {
    fake.manifest = makeManifest({ scripts: [START, STOP] });
    const seen = watchSocketAtOff();
    const agent = startAgent();
    await fake.waitFor(() => fake.lifecycleStates().includes('ready'), 'ready');
    expect(fake.lifecycleStates()).toEqual(['created', 'starting', 'ready']);
    expect(fake.requestsTo('manifest')[0]).toMatchObject({ token: fake.token, status: 200 });

    await fake.waitFor(() => outputOf(START.log_source_id).length === 2, 'the start script output');
    expect(outputOf(START.log_source_id).map((l) => [l.output, l.level]).sort()).toEqual([
      ['hello-err', 'error'],
      ['hello-out', 'info'],
    ]);
    await fake.waitFor(() => fake.accepted('script-timings').length === 1, 'the start timing');
    expect(fake.accepted('script-timings')[0]).toMatchObject({ script_id: START.id, stage: 'START', status: 'ok', exit_code: 0 });

    await fake.waitFor(() => fake.openStreams === 1, 'the command channel');
    fake.sendShutdown();
    fake.sendShutdown(); // repeats are ignored
    await expectStopSequence(agent, ['created', 'starting', 'ready'], seen);
    expect(fake.accepted<{ script_id: string }>('script-timings').filter((t) => t.script_id === START.id)).toHaveLength(1);
  });

  it('a failing start script → start_error; SIGTERM produces the same stop sequence', async () => {
    const failing: ScriptSpec = { ...START, script: 'echo about to fail; exit 3' };
    fake.manifest = makeManifest({ scripts: [failing, STOP] });
    const seen = watchSocketAtOff();
    const agent = startAgent();
    await fake.waitFor(() => fake.lifecycleStates().includes('start_error'), 'start_error');
    expect(fake.lifecycleStates()).toEqual(['created', 'starting', 'start_error']);
    await fake.waitFor(() => fake.accepted('script-timings').length === 1, 'the start timing');
    expect(fake.accepted('script-timings')[0]).toMatchObject({ script_id: START.id, stage: 'START', status: 'exit_failure', exit_code: 3 });
    agent.child.kill('SIGTERM');
    await expectStopSequence(agent, ['created', 'starting', 'start_error'], seen);
  });

  it('AgentAPI status_change running/stable → working/idle app-status reports (real agentapi, demo agent)', async () => {
    const agentapi = startAgentApi({ agent: demoAgent('--think-ms', '1500') });
    const port = await agentapi.port();
    fake.manifest = makeManifest({
      scripts: [],
      apps: [
        {
          id: IDS.app,
          slug: 'claude',
          display_name: 'Claude',
          url: `http://localhost:${port}/`,
          healthcheck: { url: `http://localhost:${port}/status`, interval_s: 1, threshold: 20 },
        },
      ],
      task: { id: IDS.task, app_slug: 'claude' },
    });
    const agent = startAgent();
    await fake.waitFor(() => fake.accepted<{ healths: Record<string, string> }>('app-health').some((h) => h.healths[IDS.app] === 'healthy'), 'healthy');
    expect(fake.accepted('app-health')[0]).toEqual({ healths: { [IDS.app]: 'initializing' } });
    await agentapi.waitForStatus('stable');
    await fake.waitFor(() => fake.accepted<{ state: string }>('app-status').at(-1)?.state === 'idle', 'idle');

    const sentAt = Date.now();
    expect((await agentapi.postMessage('hello')).status).toBe(200);
    const afterMessage = () => fake.requestsTo('app-status').filter((r) => r.at >= sentAt && r.status === 204).map((r) => r.body);
    await fake.waitFor(() => afterMessage().length >= 2, 'working then idle', 20_000);
    expect(afterMessage().slice(0, 2)).toEqual([
      { app_slug: 'claude', state: 'working', message: 'Agent is working' },
      { app_slug: 'claude', state: 'idle', message: 'Agent is idle' },
    ]);

    agent.child.kill('SIGTERM');
    expect((await agent.exited).code).toBe(0);
  });

  it('a manifest failing validation → exit 1 with an error naming the field', async () => {
    fake.manifest = makeManifest({ scripts: [{ ...START, id: 'not-a-uuid' }] });
    const agent = startAgent();
    const exit = await agent.exited;
    expect(exit.code).toBe(1);
    expect(agent.stderr()).toMatch(/^error: invalid manifest: scripts\[0\]\.id: /m);
  });
});

describe('a token the control plane keeps rejecting (§3.2.1)', () => {
  const timing = { backoff: { initialMs: 20, maxMs: 80 }, tokenRejectedAfterMs: 400 };

  async function runInProcess(token: string): Promise<{ code: number; errors: string[] }> {
    const errors: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      if (String(chunk).startsWith('error:')) errors.push(String(chunk));
      return true;
    });
    try {
      const code = await runAgent(
        { url: fake.url, token, logDir: dir, scriptDataDir: dir, socketPath, socketServerEnabled: 'true' },
        { controlPlaneTiming: timing },
      );
      return { code, errors };
    } finally {
      write.mockRestore();
    }
  }

  it('while fetching the manifest: exit 1, `error: agent token rejected`', async () => {
    fake.manifest = makeManifest();
    const { code, errors } = await runInProcess('not-the-token');
    expect(code).toBe(1);
    expect(errors).toEqual(['error: agent token rejected\n']);
  });

  it('after start: the stop sequence runs, then exit 1 with the error printed once', async () => {
    const marker = join(dir, 'stop-script-ran');
    fake.manifest = makeManifest({ scripts: [{ ...STOP, script: `touch '${marker}'` }] });
    let revoked = false;
    fake.onRequest = (req) => {
      if (req.path === 'lifecycle' && (req.body as { state: string }).state === 'ready') revoked = true;
    };
    fake.override = () => (revoked ? { status: 401, body: '{"message":"Workspace agent not authorized."}' } : undefined);
    const { code, errors } = await runInProcess(fake.token);
    expect(code).toBe(1);
    expect(errors).toEqual(['error: agent token rejected\n']);
    expect(existsSync(marker)).toBe(true);
    expect(existsSync(socketPath)).toBe(false);
  });
});
