// Seed 002 end to end: a real `taskyard agent` runs a manifest's scripts as
// sync units that `taskyard sync` (run from inside a script) sees at once, and
// each unit moves pending → started → completed, for start, cron and stop
// scripts alike, whatever the scripts' results.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentSocketClient } from '../src/agent/socket/client.js';
import { startTaskyard, stopAllTaskyard, TASKYARD_CMD, writeManifest } from './helpers/taskyard-process.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'agent-seed-'));
});
afterEach(async () => {
  await stopAllTaskyard();
  rmSync(dir, { recursive: true, force: true });
});

interface ListedUnit {
  unit_name: string;
  status: string;
  is_ready: boolean;
}

describe('scripts as sync units (seed 002)', () => {
  it('registers every named script at once, moves each through its statuses, and completes stop scripts on SIGTERM', async () => {
    const socket = path.join(dir, 'agent.sock');
    const manifest = path.join(dir, 'manifest.json');
    const out = (name: string) => path.join(dir, name);
    writeManifest(manifest, [
      {
        // Runs first and looks at the units from the inside, then fails.
        resource_address: 'coder_script.first',
        display_name: 'First',
        run_on_start: true,
        script: `${TASKYARD_CMD} sync list -o json > '${out('from-first.json')}'; sleep 1; exit 3`,
      },
      {
        resource_address: 'module.agentapi.coder_script.shutdown',
        display_name: 'Shutdown',
        run_on_stop: true,
        script: `${TASKYARD_CMD} sync status module.agentapi.coder_script.shutdown -o json > '${out('from-stop.json')}'; echo stopped`,
      },
      { display_name: 'Cron Tick', cron: '*/1 * * * * *', script: `echo tick >> '${out('ticks')}'` },
      { display_name: '', resource_address: '', run_on_start: true, script: 'echo nameless' },
    ]);

    const agent = startTaskyard(['agent', '--manifest', manifest, '--socket-path', socket, '--log-dir', dir, '--script-data-dir', dir]);
    await agent.waitForSocket(socket);

    // Record every unit's status sequence through the agent's own watch stream.
    const client = new AgentSocketClient(socket);
    const seen = new Map<string, string[]>();
    const record = (units: { unit: string; status: string }[]) => {
      for (const u of units) {
        const history = seen.get(u.unit) ?? [];
        if (history[history.length - 1] !== u.status) history.push(u.status);
        seen.set(u.unit, history);
      }
    };
    const watch = await client.watch();
    const watching = (async () => {
      for await (const _change of watch) record(await client.list());
    })().catch(() => undefined);

    await agent.waitFor(() => existsSync(out('from-first.json')) && readFileSync(out('from-first.json'), 'utf8').endsWith('\n'), 'sync list from the first script');
    const fromFirst = JSON.parse(readFileSync(out('from-first.json'), 'utf8')) as ListedUnit[];
    expect(fromFirst.map((u) => u.unit_name)).toEqual(['Cron Tick', 'coder_script.first', 'module.agentapi.coder_script.shutdown']);
    expect(fromFirst.find((u) => u.unit_name === 'coder_script.first')?.status).toBe('started');
    expect(fromFirst.find((u) => u.unit_name === 'module.agentapi.coder_script.shutdown')?.status).toBe('pending');
    expect(agent.logs().filter((l) => l.msg === 'skipping unit registration for script with no usable name')).toHaveLength(1);

    // The failing start script still ends completed; the cron script cycles at least twice.
    await agent.waitFor(() => agent.lifecycleStates().includes('start_error'), 'start_error');
    await agent.waitFor(() => (existsSync(out('ticks')) ? readFileSync(out('ticks'), 'utf8').split('\n').length - 1 : 0) >= 2, 'two cron ticks', 10_000);
    const afterStart = await client.list();
    expect(afterStart.find((u) => u.unit === 'coder_script.first')?.status).toBe('completed');

    const exit = await agent.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    watch.close();
    await watching;

    const fromStop = JSON.parse(readFileSync(out('from-stop.json'), 'utf8')) as { status: string };
    expect(fromStop.status).toBe('started');
    // The watch saw it wait and start; the last unit report (sent as the socket closes) has it completed.
    expect(seen.get('module.agentapi.coder_script.shutdown')?.slice(0, 2)).toEqual(['pending', 'started']);
    const reports = agent.logs().filter((l) => l.msg === 'units changed');
    const last = reports[reports.length - 1]?.units as { unit: string; status: string }[];
    expect(last.find((u) => u.unit === 'module.agentapi.coder_script.shutdown')?.status).toBe('completed');
    expect(last.find((u) => u.unit === 'coder_script.first')?.status).toBe('completed');
    expect(seen.get('Cron Tick')?.filter((s) => s === 'started').length).toBeGreaterThanOrEqual(1);
    expect(agent.lifecycleStates()).toEqual(['created', 'starting', 'start_error', 'shutting_down', 'off']);
    expect(existsSync(socket)).toBe(false);
  });
});
