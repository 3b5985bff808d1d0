// agentapiModule and its rendered wrappers (server.md §4.2, module.md §4):
// output shape, §4.2.4 defaults, ARG sets and quoting, the embedded scripts
// being the shipped files byte for byte, validations, and bash -n +
// shellcheck on scripts and wrappers. Nothing here starts AgentAPI; bash runs
// only decode ARG lines. It must never copy the scripts into the test.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentapiModule, type AgentapiModuleOptions } from '../templates/agentapi-module.js';
import { SHUTDOWN_ARGS, START_ARGS } from '../templates/agentapi-wrappers.js';
import { Sandbox, SCRIPTS_DIR, TASK_ID } from '../registry/coder/modules/agentapi/testdata/harness.js';

let sandbox: Sandbox;
beforeAll(() => {
  sandbox = new Sandbox();
});
afterAll(async () => {
  await sandbox.cleanup();
});

const BASE: AgentapiModuleOptions = {
  web_app_slug: 'agentapi',
  web_app_display_name: 'AgentAPI',
  module_dir_name: '.agentapi-module',
  start_script: 'agentapi server --port "$2" -- agentapi demo-agent --echo',
};
const render = (opts: Partial<AgentapiModuleOptions> = {}, task = true) =>
  agentapiModule(sandbox.context(24_001, task), { ...BASE, ...opts });
const wrappers = (opts: Partial<AgentapiModuleOptions> = {}, task = true) => {
  const out = render(opts, task);
  return { start: out.scripts[0]!.script, shutdown: out.scripts[1]!.script };
};

const ARG_LINE = /^(ARG_[A-Z_]+)=(.*) \\$/;
const B64_VALUE = /^"\$\(printf '%s' '([A-Za-z0-9+/=]*)' \| base64 -d\)"$/;
const RAW_VALUE = /^'([^']*)'$/;

/** ARG name → decoded value, and how each was written. */
function args(wrapper: string): Map<string, { value: string; kind: 'base64' | 'raw' }> {
  const out = new Map<string, { value: string; kind: 'base64' | 'raw' }>();
  for (const line of wrapper.split('\n')) {
    const m = ARG_LINE.exec(line);
    if (!m) continue;
    const b64 = B64_VALUE.exec(m[2]!);
    const raw = RAW_VALUE.exec(m[2]!);
    if (b64) out.set(m[1]!, { kind: 'base64', value: Buffer.from(b64[1]!, 'base64').toString('utf8') });
    else if (raw) out.set(m[1]!, { kind: 'raw', value: raw[1]! });
    else throw new Error(`unexpected ARG line: ${line}`);
  }
  return out;
}

/** The scripts a wrapper writes: file name → decoded content, in order. */
function embedded(wrapper: string): [string, string][] {
  return [...wrapper.matchAll(/^printf '%s' '([A-Za-z0-9+/=]+)' \| base64 -d > "\$scripts_dir\/([a-z-]+\.sh)"$/gm)].map((m) => [
    m[2]!,
    Buffer.from(m[1]!, 'base64').toString('utf8'),
  ]);
}

/** ARG_ names a script reads. */
const argsReadBy = (script: string) => new Set([...script.matchAll(/\$\{?(ARG_[A-Z_]+)/g)].map((m) => m[1]!));
const script = (name: string) => readFileSync(path.join(SCRIPTS_DIR, name), 'utf8');

describe('agentapiModule output (server.md §4.2.3)', () => {
  it('has the start and shutdown scripts and the task app', () => {
    const out = render({ start_depends_on: ['coder_script.prepare'], web_app_icon: '/icon/x.svg' });
    expect(out).toEqual({
      scripts: [
        {
          display_name: 'Install and start AgentAPI',
          resource_address: 'module.agentapi.coder_script.agentapi',
          script: expect.any(String),
          run_on_start: true,
          depends_on: ['coder_script.prepare'],
        },
        {
          display_name: 'AgentAPI Shutdown',
          resource_address: 'module.agentapi.coder_script.shutdown',
          script: expect.any(String),
          run_on_stop: true,
          timeout_ms: 120_000,
        },
      ],
      apps: [
        {
          slug: 'agentapi',
          display_name: 'AgentAPI',
          url: 'http://localhost:24001/',
          icon: '/icon/x.svg',
          healthcheck: { url: 'http://localhost:24001/status', interval_s: 3, threshold: 20 },
          task_app: true,
        },
      ],
    });
  });

  it('uses module_name in resource addresses and omits depends_on when not given', () => {
    const out = render({ module_name: 'claude' });
    expect(out.scripts.map((s) => s.resource_address)).toEqual([
      'module.claude.coder_script.agentapi',
      'module.claude.coder_script.shutdown',
    ]);
    expect(out.scripts[0]).not.toHaveProperty('depends_on');
  });

  it('forces the web app on for tasks only', () => {
    expect(render({ web_app: false }, true).apps).toHaveLength(1);
    expect(render({ web_app: false }, false).apps).toEqual([]);
    expect(render({}, false).apps).toHaveLength(1);
  });
});

describe('wrapper ARGs (module.md §4.2, §4.4; server.md §4.2.4)', () => {
  it('start: exactly the §4.4 set, in order, with the taskyard defaults', () => {
    const start = args(wrappers().start);
    expect([...start.keys()]).toEqual(START_ARGS.map((a) => a.name));
    expect(Object.fromEntries([...start].map(([k, v]) => [k, v.value]))).toEqual({
      ARG_MODULE_DIR_NAME: '.agentapi-module',
      ARG_WORKDIR: '/home/coder',
      ARG_PRE_INSTALL_SCRIPT: '',
      ARG_INSTALL_SCRIPT: '',
      ARG_POST_INSTALL_SCRIPT: '',
      ARG_START_SCRIPT: BASE.start_script,
      ARG_INSTALL_AGENTAPI: 'false',
      ARG_AGENTAPI_VERSION: 'v0.12.1',
      ARG_AGENTAPI_PORT: '24001',
      ARG_AGENTAPI_CHAT_BASE_PATH: '',
      ARG_TASK_ID: TASK_ID,
      ARG_TASK_LOG_SNAPSHOT: 'true',
      ARG_ENABLE_STATE_PERSISTENCE: 'true',
      ARG_STATE_FILE_PATH: `${sandbox.home}/.agentapi/state.json`,
      ARG_PID_FILE_PATH: `${sandbox.home}/.agentapi/agentapi.pid`,
    });
  });

  it('shutdown: exactly the §4.4 set, in order', () => {
    const shutdown = args(wrappers().shutdown);
    expect([...shutdown.keys()]).toEqual(SHUTDOWN_ARGS.map((a) => a.name));
    expect(shutdown.get('ARG_TASK_ID')!.value).toBe(TASK_ID);
    expect(shutdown.get('ARG_PID_FILE_PATH')!.value).toBe(`${sandbox.home}/.agentapi/agentapi.pid`);
    expect(shutdown.get('ARG_MODULE_DIR_NAME')!.value).toBe('.agentapi-module');
  });

  it('matches the spec table of base64 and raw ARGs', () => {
    const raw = new Set(['ARG_INSTALL_AGENTAPI', 'ARG_AGENTAPI_PORT', 'ARG_TASK_ID', 'ARG_TASK_LOG_SNAPSHOT', 'ARG_ENABLE_STATE_PERSISTENCE']);
    for (const [name, { kind }] of [...args(wrappers().start), ...args(wrappers().shutdown)]) {
      expect([name, kind]).toEqual([name, raw.has(name) ? 'raw' : 'base64']);
    }
  });

  it('every ARG a script reads is assigned by its wrapper, and nothing more', () => {
    const { start, shutdown } = wrappers();
    expect(new Set(args(start).keys())).toEqual(argsReadBy(script('main.sh')));
    expect(new Set(args(shutdown).keys())).toEqual(argsReadBy(script('shutdown.sh')));
    for (const name of ['lib.sh', 'wait-for-start.sh']) expect(argsReadBy(script(name))).toEqual(new Set());
  });

  it('writes ARG_TASK_ID empty without a task, and the options through', () => {
    const w = wrappers(
      {
        task_log_snapshot: false,
        enable_state_persistence: false,
        state_file_path: '/custom/state.json',
        pid_file_path: '/custom/agentapi.pid',
        agentapi_port: 4321,
        install_agentapi: true,
        agentapi_version: 'latest',
        folder: '/srv/work/',
      },
      false,
    );
    const start = args(w.start);
    expect(start.get('ARG_TASK_ID')!.value).toBe('');
    expect(start.get('ARG_TASK_LOG_SNAPSHOT')!.value).toBe('false');
    expect(start.get('ARG_ENABLE_STATE_PERSISTENCE')!.value).toBe('false');
    expect(start.get('ARG_AGENTAPI_PORT')!.value).toBe('4321');
    expect(start.get('ARG_INSTALL_AGENTAPI')!.value).toBe('true');
    expect(start.get('ARG_AGENTAPI_VERSION')!.value).toBe('latest');
    expect(start.get('ARG_WORKDIR')!.value).toBe('/srv/work');
    expect(w.start).toContain(`ARG_STATE_FILE_PATH="$(printf '%s' '${Buffer.from('/custom/state.json').toString('base64')}' | base64 -d)"`);
    expect(w.shutdown).toContain(`ARG_PID_FILE_PATH="$(printf '%s' '${Buffer.from('/custom/agentapi.pid').toString('base64')}' | base64 -d)"`);
    expect(args(w.shutdown).get('ARG_TASK_ID')!.value).toBe('');
  });

  it('sets the chat base path when agentapi_subdomain is false', () => {
    const start = args(wrappers({ agentapi_subdomain: false, agent_id: 'agent-1' }).start);
    expect(start.get('ARG_AGENTAPI_CHAT_BASE_PATH')!.value).toBe('/@tester/ws.agent-1/apps/agentapi/chat');
  });

  it('round-trips free-form strings through bash byte for byte', async () => {
    const nasty = `it's "quoted" $(rm -rf /) \`x\` $HOME \\ ✓ ─ \u001b[0m\nline 2\ttab`;
    const start = wrappers({ start_script: nasty, install_script: nasty, folder: `/tmp/${nasty}` }).start;
    for (const name of ['ARG_START_SCRIPT', 'ARG_INSTALL_SCRIPT', 'ARG_WORKDIR']) {
      const line = start.split('\n').find((l) => l.startsWith(`${name}=`))!;
      const r = await sandbox.run(`${line.slice(0, -2)}\nprintf '%s' "$${name}"\n`);
      expect(r.stdout).toBe(name === 'ARG_WORKDIR' ? `/tmp/${nasty}` : nasty);
    }
  });
});

describe('wrapper layout (module.md §4.1)', () => {
  it('embeds the shipped scripts byte for byte, start: main, lib, wait-for-start', () => {
    const files = embedded(wrappers().start);
    expect(files.map(([n]) => n)).toEqual(['main.sh', 'lib.sh', 'wait-for-start.sh']);
    for (const [name, content] of files) expect(content).toBe(script(name));
  });

  it('embeds the shipped scripts byte for byte, shutdown: shutdown, lib', () => {
    const files = embedded(wrappers().shutdown);
    expect(files.map(([n]) => n)).toEqual(['shutdown.sh', 'lib.sh']);
    for (const [name, content] of files) expect(content).toBe(script(name));
  });

  it.each(['start', 'shutdown'] as const)('%s: header, private temp dir, one command line at the end', (which) => {
    const text = wrappers()[which];
    const entry = which === 'start' ? 'main.sh' : 'shutdown.sh';
    expect(text.startsWith('#!/bin/bash\nset -euo pipefail\n\n')).toBe(true);
    expect(text).toContain('scripts_dir="$(mktemp -d "${TMPDIR:-/tmp}/agentapi-module.XXXXXX")"\ntrap \'rm -rf "$scripts_dir"\' EXIT\n');
    expect(text.endsWith(`\\\n"$scripts_dir/${entry}"\n`)).toBe(true);
    expect(text).not.toMatch(/\/tmp\/[\w.-]+\.sh/);
    for (const [name] of embedded(text)) expect(text).toContain(`chmod +x "$scripts_dir/${name}"\n`);
  });

  it('the wrapper cleans up its temp dir and passes the script exit code through', async () => {
    const env = sandbox.env({ PATH: '/usr/bin:/bin' });
    const r = await sandbox.run(wrappers().start, env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: agentapi is not installed or not on PATH.\n');
    expect(readdirSync(sandbox.root).filter((n) => n.startsWith('agentapi-module.'))).toEqual([]);
  });
});

describe('validation (module.md §2)', () => {
  it.each([
    [{ state_file_path: 'state.json' }, 'state_file_path must be an absolute path.'],
    [{ pid_file_path: 'agentapi.pid' }, 'pid_file_path must be an absolute path.'],
    [{ agentapi_version: '0.12.1' }, 'agentapi_version must be "latest" or a version like "v0.12.1".'],
    [{ agentapi_subdomain: false, agentapi_version: 'v0.0.1' }, 'Running with subdomain = false is only supported by agentapi >= v0.3.3.'],
    [{ agentapi_subdomain: false, agentapi_version: 'v0.3.2' }, 'Running with subdomain = false is only supported by agentapi >= v0.3.3.'],
    [{ agentapi_port: 70_000 }, 'agentapi_port must be a port number (got 70000); is ctx.ports.agentapi set?'],
    [{ cli_app: true }, 'cli_app is not supported by taskyard: apps are URLs.'],
  ] as [Partial<AgentapiModuleOptions>, string][])('%j → %s', (opts, message) => {
    expect(() => render(opts)).toThrow(message);
  });

  it.each(['v0.3.3', 'v0.3.999', 'v0.999.999', 'v999.999.999', 'latest'])('subdomain = false accepts %s', (version) => {
    expect(() => render({ agentapi_subdomain: false, agentapi_version: version })).not.toThrow();
  });

  it('refuses a task id that could break out of its quotes', () => {
    const ctx = { ...sandbox.context(24_001), task: { id: "x'; rm -rf ~; '", name: 't', prompt: '' } };
    expect(() => agentapiModule(ctx, BASE)).toThrow('is not a UUID');
  });
});

describe('static checks (module.md §5, §6.3.4)', () => {
  const files = ['lib.sh', 'main.sh', 'wait-for-start.sh', 'shutdown.sh'];

  it.each(files)('%s: #!/bin/bash, set -euo pipefail, never set -x', (name) => {
    const text = script(name);
    expect(text.startsWith('#!/bin/bash\n')).toBe(true);
    expect(text).toMatch(/^set -euo pipefail$/m);
    expect(text).not.toMatch(/^\s*set -[a-z]*x/m);
    expect(text).not.toMatch(/set -o xtrace/);
  });

  it('shutdown.sh has no fixed sleep other than the 0.1 s polls', () => {
    const code = script('shutdown.sh')
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    const sleeps = [...code.matchAll(/\bsleep\s+(\S+)/g)].map((m) => m[1]);
    expect(sleeps).toEqual(['0.1', '0.1']);
  });

  it('bash -n and shellcheck --severity=warning pass on the scripts and both rendered wrappers', () => {
    const { start, shutdown } = wrappers({ start_depends_on: ['x'] });
    writeFileSync(path.join(sandbox.root, 'start-wrapper.sh'), start);
    writeFileSync(path.join(sandbox.root, 'shutdown-wrapper.sh'), shutdown);
    const all = [...files.map((f) => path.join(SCRIPTS_DIR, f)), path.join(sandbox.root, 'start-wrapper.sh'), path.join(sandbox.root, 'shutdown-wrapper.sh')];
    for (const file of all) expect(spawnSync('bash', ['-n', file]).status, file).toBe(0);
    expect(() => execFileSync('shellcheck', ['--version'])).not.toThrow();
    const sc = spawnSync('shellcheck', ['--severity=warning', ...all], { encoding: 'utf8', cwd: SCRIPTS_DIR });
    expect(sc.stdout + sc.stderr).toBe('');
    expect(sc.status).toBe(0);
  });
});
