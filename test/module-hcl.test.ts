// The agentapi module's Terraform (module.md §6.3.1, §6.3.2), without
// terraform: main.tf and agentapi.tftest.hcl parsed with @cdktf/hcl2json,
// checked against the §2 variable table and the §4 wrapper rules, and both
// coder_script heredocs rendered from a substitution table and compared byte
// for byte with agentapiModule's wrappers. It never runs the scripts.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { agentapiModule, type AgentapiModuleOptions, type TemplateContext } from '../templates/agentapi-module.js';
import { base64encode } from '../templates/agentapi-wrappers.js';

const MODULE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'registry', 'coder', 'modules', 'agentapi');
const MAIN_TF = path.join(MODULE_DIR, 'main.tf');
const TFTEST = path.join(MODULE_DIR, 'agentapi.tftest.hcl');

type Block = Record<string, unknown>;

/** The part of @cdktf/hcl2json used here. Loaded by a non-literal specifier
 * because its typings carry `/// <reference lib="dom" />`, which would pull the
 * DOM lib into the whole project's type check and break Node's fetch types. */
interface Hcl2Json {
  parse(filename: string, contents: string): Promise<Block>;
  getReferencesInExpression(filename: string, expression: string): Promise<{ value: string }[]>;
}
const HCL2JSON = '@cdktf/hcl2json';
const { parse, getReferencesInExpression } = (await import(HCL2JSON)) as Hcl2Json;

function isBlock(value: unknown): value is Block {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** hcl2json renders each block as a one-element array; `key` of `parent`, unwrapped. */
function block(parent: unknown, ...keys: string[]): Block {
  let cur: unknown = parent;
  for (const key of keys) {
    if (Array.isArray(cur)) cur = cur[0];
    if (!isBlock(cur) || !(key in cur)) throw new Error(`no ${keys.join('.')} (missing ${key})`);
    cur = cur[key];
  }
  if (Array.isArray(cur)) cur = cur[0];
  if (!isBlock(cur)) throw new Error(`${keys.join('.')} is not a block`);
  return cur;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is not a string`);
  return value;
}

const REQUIRED = Symbol('required');
type Default = string | number | boolean | null | typeof REQUIRED;

/** module.md §2, in table order: name, type, default. */
const VARIABLES: [string, 'string' | 'number' | 'bool', Default][] = [
  ['agent_id', 'string', REQUIRED],
  ['web_app_order', 'number', null],
  ['web_app_group', 'string', null],
  ['web_app_icon', 'string', REQUIRED],
  ['web_app_display_name', 'string', REQUIRED],
  ['web_app_slug', 'string', REQUIRED],
  ['folder', 'string', '/home/coder'],
  ['web_app', 'bool', true],
  ['cli_app', 'bool', false],
  ['cli_app_order', 'number', null],
  ['cli_app_group', 'string', null],
  ['cli_app_icon', 'string', '/icon/claude.svg'],
  ['cli_app_display_name', 'string', REQUIRED],
  ['cli_app_slug', 'string', REQUIRED],
  ['pre_install_script', 'string', null],
  ['install_script', 'string', ''],
  ['post_install_script', 'string', null],
  ['start_script', 'string', REQUIRED],
  ['install_agentapi', 'bool', true],
  ['agentapi_version', 'string', 'v0.12.1'],
  ['agentapi_port', 'number', 3284],
  ['task_log_snapshot', 'bool', true],
  ['agentapi_subdomain', 'bool', true],
  ['module_dir_name', 'string', REQUIRED],
  ['enable_state_persistence', 'bool', true],
  ['state_file_path', 'string', '/home/coder/.agentapi/state.json'],
  ['pid_file_path', 'string', '/tmp/agentapi.pid'],
];
const SCALAR_VARS = new Set(VARIABLES.filter(([, type]) => type !== 'string').map(([name]) => name));

/** module.md §4.4: the ARGs each script reads; the base64 ones decoded inline. */
const B64_ARGS = new Set([
  'ARG_MODULE_DIR_NAME', 'ARG_WORKDIR', 'ARG_PRE_INSTALL_SCRIPT', 'ARG_INSTALL_SCRIPT', 'ARG_POST_INSTALL_SCRIPT',
  'ARG_START_SCRIPT', 'ARG_AGENTAPI_VERSION', 'ARG_AGENTAPI_CHAT_BASE_PATH', 'ARG_STATE_FILE_PATH', 'ARG_PID_FILE_PATH',
]);
const SCRIPTS = [
  { resource: 'agentapi', entry: 'main.sh' },
  { resource: 'shutdown', entry: 'shutdown.sh' },
] as const;

const TASK_ID_EXPR = 'try(data.coder_task.me.id, "")';
/** An unescaped `${...}` interpolation (`$${` is the escape). */
const INTERPOLATION = /(?<!\$)\$\{([^}]*)\}/g;
const ARG_ASSIGNMENT = /^(ARG_[A-Z_]+)=(.*) \\$/gm;
const B64_FORM = /^"\$\(printf '%s' '\$\{local\.[a-z0-9_]+\}' \| base64 -d\)"$/;
const RAW_FORM = /^'\$\{(var\.[a-z0-9_]+|try\(data\.coder_task\.me\.id, ""\))\}'$/;

let tf: Block;
let tftest: Block;
beforeAll(async () => {
  tf = await parse('main.tf', readFileSync(MAIN_TF, 'utf8'));
  tftest = await parse('agentapi.tftest.hcl', readFileSync(TFTEST, 'utf8'));
});

const script = (resource: string) => str(block(tf, 'resource', 'coder_script', resource).script, `coder_script.${resource}.script`);
const readsArgs = (file: string) =>
  [...new Set(readFileSync(path.join(MODULE_DIR, 'scripts', file), 'utf8').match(/ARG_[A-Z_]+/g) ?? [])].sort();
const assignments = (wrapper: string) => [...wrapper.matchAll(ARG_ASSIGNMENT)].map((m) => [m[1]!, m[2]!] as const);

describe('main.tf structure', () => {
  it('declares exactly the variables of module.md §2, with their types, defaults and required set', () => {
    const vars = block(tf, 'variable');
    expect(Object.keys(vars).sort()).toEqual(VARIABLES.map(([name]) => name).sort());
    for (const [name, type, def] of VARIABLES) {
      expect(name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      const v = block(vars, name);
      expect(v.type, name).toBe(`\${${type}}`);
      if (def === REQUIRED) expect('default' in v, `${name} is required`).toBe(false);
      else expect(v.default, name).toEqual(def);
    }
  });

  it('requires the coder provider >= 2.13', () => {
    const coder = block(tf, 'terraform', 'required_providers', 'coder');
    expect(coder).toEqual({ source: 'coder/coder', version: '>= 2.13' });
    expect(block(tf, 'terraform').required_version).toBe('>= 1.0');
  });

  it('runs the start script on start and the shutdown script on stop with a 120 s timeout', () => {
    const start = block(tf, 'resource', 'coder_script', 'agentapi');
    const stop = block(tf, 'resource', 'coder_script', 'shutdown');
    expect(start).toMatchObject({ run_on_start: true, display_name: 'Install and start AgentAPI', icon: '${var.web_app_icon}' });
    expect(stop).toMatchObject({ run_on_stop: true, timeout: 120, display_name: 'AgentAPI Shutdown', icon: '${var.web_app_icon}' });
  });

  it('embeds the task ID from data.coder_task.me.id in the shutdown script', async () => {
    const refs = await getReferencesInExpression('main.tf', script('shutdown'));
    expect(refs.map((r) => r.value)).toContain('data.coder_task.me.id');
    expect(script('shutdown')).toContain(`ARG_TASK_ID='\${${TASK_ID_EXPR}}'`);
  });

  it('declares the data sources, the apps and the task_app_id output', () => {
    for (const name of ['coder_workspace', 'coder_workspace_owner', 'coder_task']) expect(block(tf, 'data', name, 'me')).toBeDefined();
    const web = block(tf, 'resource', 'coder_app', 'agentapi_web');
    expect(web).toMatchObject({ count: '${local.web_app ? 1 : 0}', url: 'http://localhost:${var.agentapi_port}/', subdomain: '${var.agentapi_subdomain}' });
    expect(block(web, 'healthcheck')).toEqual({ url: 'http://localhost:${var.agentapi_port}/status', interval: 3, threshold: 20 });
    const cli = block(tf, 'resource', 'coder_app', 'agentapi_cli');
    expect(cli.count).toBe('${var.cli_app ? 1 : 0}');
    expect(str(cli.command, 'command')).toMatch(/LANG=en_US\.UTF-8[\s\S]*LC_ALL=en_US\.UTF-8[\s\S]*agentapi attach/);
    expect(block(tf, 'output', 'task_app_id').value).toBe('${local.web_app ? coder_app.agentapi_web[0].id : ""}');
    expect(block(tf, 'locals')).toMatchObject({
      is_task: '${try(data.coder_task.me.enabled, false)}',
      web_app: '${var.web_app || local.is_task}',
      workdir: '${trimsuffix(var.folder, "/")}',
    });
  });

  it('reads only script files that exist', () => {
    const files = Object.values(block(tf, 'locals'))
      .filter((v): v is string => typeof v === 'string')
      .flatMap((v) => [...v.matchAll(/file\("\$\{path\.module\}\/([^"]+)"\)/g)].map((m) => m[1]!));
    expect(files.sort()).toEqual(['scripts/lib.sh', 'scripts/main.sh', 'scripts/shutdown.sh', 'scripts/wait-for-start.sh']);
    for (const file of files) expect(existsSync(path.join(MODULE_DIR, file)), file).toBe(true);
  });
});

describe('coder_script heredocs (module.md §4.3, §4.4)', () => {
  it.each(SCRIPTS)('$resource interpolates only locals, bool/number variables and the task ID', ({ resource }) => {
    const text = script(resource);
    const locals = block(tf, 'locals');
    expect(text).not.toContain('%{');
    expect(text.replaceAll('$${', '')).not.toMatch(/\$\$/);
    const exprs = [...text.matchAll(INTERPOLATION)].map((m) => m[1]!);
    expect(exprs.length).toBeGreaterThan(0);
    for (const expr of exprs) {
      const local = /^local\.([a-z0-9_]+)$/.exec(expr);
      const variable = /^var\.([a-z0-9_]+)$/.exec(expr);
      if (local) expect(Object.keys(locals), expr).toContain(local[1]);
      else if (variable) expect(SCALAR_VARS.has(variable[1]!), `${expr} must be a bool or number`).toBe(true);
      else expect(expr).toBe(TASK_ID_EXPR);
    }
  });

  it.each(SCRIPTS)('$resource assigns exactly the ARGs $entry reads, base64 ones decoded inline', ({ resource, entry }) => {
    const assigned = assignments(script(resource));
    expect(assigned.map(([name]) => name).sort()).toEqual(readsArgs(entry));
    for (const [name, value] of assigned) expect(value, name).toMatch(B64_ARGS.has(name) ? B64_FORM : RAW_FORM);
  });
});

describe('agentapi_subdomain validation', () => {
  const condition = () => {
    const validation = block(tf, 'variable', 'agentapi_subdomain', 'validation');
    expect(validation.error_message).toBe('Running with subdomain = false is only supported by agentapi >= v0.3.3.');
    const text = str(validation.condition, 'condition');
    expect(text.startsWith('${var.agentapi_subdomain || can(regex(')).toBe(true);
    // HCL string literals → JS regexes ("\\." in HCL is the regex \.).
    const [min, semver] = [...text.matchAll(/regex\("((?:[^"\\]|\\.)*)"/g)].map((m) => new RegExp(m[1]!.replaceAll('\\\\', '\\')));
    return (subdomain: boolean, version: string) => subdomain || min!.test(version) || !semver!.test(version);
  };

  it.each(['v0.3.3', 'v0.3.999', 'v0.999.999', 'v999.999.999', 'arbitrary-string'])('accepts %s with subdomain = false', (version) => {
    expect(condition()(false, version)).toBe(true);
  });

  it.each(['v0.0.1', 'v0.3.2'])('rejects %s with subdomain = false (and accepts it with subdomain = true)', (version) => {
    const ok = condition();
    expect(ok(false, version)).toBe(false);
    expect(ok(true, version)).toBe(true);
  });
});

describe('agentapi.tftest.hcl', () => {
  it('parses, mocks the coder provider and has the four plan runs', () => {
    expect(block(tftest, 'mock_provider', 'coder')).toEqual({});
    expect(block(tftest, 'variables')).toEqual({
      agent_id: 'test-agent',
      web_app_icon: '/icon/test.svg',
      web_app_display_name: 'Test',
      web_app_slug: 'test',
      cli_app_display_name: 'Test CLI',
      cli_app_slug: 'test-cli',
      start_script: 'echo test',
      module_dir_name: '.test-module',
    });
    const runs = block(tftest, 'run');
    expect(Object.keys(runs).sort()).toEqual(['custom_paths', 'default_values', 'relative_path_rejected', 'state_persistence_disabled']);
    for (const name of Object.keys(runs)) expect(block(runs, name).command, name).toBe('${plan}');
    expect(JSON.stringify(block(runs, 'relative_path_rejected').expect_failures)).toContain('var.state_file_path');
    expect(JSON.stringify(block(runs, 'state_persistence_disabled'))).toContain("ARG_ENABLE_STATE_PERSISTENCE='false'");
  });
});

describe('rendering main.tf like Terraform (module.md §6.3.2)', () => {
  const scriptFile = (name: string) => readFileSync(path.join(MODULE_DIR, 'scripts', name), 'utf8');
  const TASK_ID = '0f4a3c2e-8d7b-4e1a-9c6f-2b5d8e7a1c3f';
  const ctx = (task: boolean): TemplateContext => ({
    task: task ? { id: TASK_ID, name: 'hcl-test', prompt: '' } : null,
    workspace: { id: 'ws-id', name: 'ws', build_number: 1 },
    owner: { id: 'owner-id', username: 'tester', email: '' },
    home_dir: '/home/coder',
    ports: { agentapi: 3284 },
    access_url: 'http://127.0.0.1:1',
  });
  // Every variable explicit: the TS port's own defaults differ on purpose (server.md §4.2.4).
  const CASES: { name: string; task: boolean; opts: AgentapiModuleOptions & { agent_id: string; agentapi_port: number } }[] = [
    {
      name: 'task, subdomain, null optional scripts',
      task: true,
      opts: {
        agent_id: 'main', web_app_slug: 'claude', web_app_display_name: 'Claude', module_dir_name: '.claude-module',
        folder: '/home/coder/project/', start_script: "#!/bin/bash\nagentapi server --port \"$2\" -- claude 'it''s'\n",
        pre_install_script: null, install_script: '', post_install_script: null, install_agentapi: true,
        agentapi_version: 'v0.12.1', agentapi_port: 3284, task_log_snapshot: true, agentapi_subdomain: true,
        enable_state_persistence: true, state_file_path: '/home/coder/.agentapi/state.json', pid_file_path: '/tmp/agentapi.pid',
      },
    },
    {
      name: 'no task, path-based app, every script set',
      task: false,
      opts: {
        agent_id: 'dev', web_app_slug: 'goose', web_app_display_name: 'Goose', module_dir_name: '.goose module',
        folder: '/srv/wörk', start_script: 'agentapi server -- goose ${HOME} `x` "$(y)"', pre_install_script: 'echo pre',
        install_script: 'echo "install ─ ✓"', post_install_script: "echo 'post'", install_agentapi: false,
        agentapi_version: 'latest', agentapi_port: 4000, task_log_snapshot: false, agentapi_subdomain: false,
        enable_state_persistence: false, state_file_path: '/data/state.json', pid_file_path: '/run/agentapi.pid',
      },
    },
  ];

  /** Terraform's value of each interpolation of the heredocs, computed like main.tf's locals. */
  function substitutions(c: (typeof CASES)[number]): Map<string, string> {
    const o = c.opts;
    const folder = o.folder ?? '/home/coder';
    const chat = o.agentapi_subdomain ? '' : `/@tester/ws.${o.agent_id}/apps/${o.web_app_slug}/chat`;
    return new Map([
      ['local.main_script_b64', base64encode(scriptFile('main.sh'))],
      ['local.lib_script_b64', base64encode(scriptFile('lib.sh'))],
      ['local.wait_for_start_script_b64', base64encode(scriptFile('wait-for-start.sh'))],
      ['local.shutdown_script_b64', base64encode(scriptFile('shutdown.sh'))],
      ['local.module_dir_name_b64', base64encode(o.module_dir_name)],
      ['local.workdir_b64', base64encode(folder.endsWith('/') ? folder.slice(0, -1) : folder)],
      ['local.pre_install_script_b64', base64encode(o.pre_install_script ?? '')],
      ['local.install_script_b64', base64encode(o.install_script ?? '')],
      ['local.post_install_script_b64', base64encode(o.post_install_script ?? '')],
      ['local.start_script_b64', base64encode(o.start_script)],
      ['local.agentapi_version_b64', base64encode(o.agentapi_version ?? '')],
      ['local.agentapi_chat_base_path_b64', base64encode(chat)],
      ['local.state_file_path_b64', base64encode(o.state_file_path ?? '')],
      ['local.pid_file_path_b64', base64encode(o.pid_file_path ?? '')],
      ['var.install_agentapi', String(o.install_agentapi)],
      ['var.agentapi_port', String(o.agentapi_port)],
      ['var.task_log_snapshot', String(o.task_log_snapshot)],
      ['var.enable_state_persistence', String(o.enable_state_persistence)],
      [TASK_ID_EXPR, c.task ? TASK_ID : ''],
    ]);
  }

  function render(template: string, values: Map<string, string>): string {
    const substituted = template.replace(INTERPOLATION, (_, expr: string) => {
      const value = values.get(expr);
      if (value === undefined) throw new Error(`no substitution for \${${expr}}`);
      return value;
    });
    expect(substituted).not.toMatch(INTERPOLATION);
    return substituted.replaceAll('$${', '${');
  }

  it.each(CASES)('both heredocs equal agentapiModule\'s wrappers byte for byte ($name)', (c) => {
    const values = substitutions(c);
    const out = agentapiModule(ctx(c.task), c.opts);
    const byAddress = new Map(out.scripts.map((s) => [s.resource_address, s.script]));
    expect(render(script('agentapi'), values)).toBe(byAddress.get('module.agentapi.coder_script.agentapi'));
    expect(render(script('shutdown'), values)).toBe(byAddress.get('module.agentapi.coder_script.shutdown'));
  });

  it('fails on an interpolation the table does not know', () => {
    expect(() => render('a ${local.unknown} b', new Map())).toThrow('no substitution for ${local.unknown}');
  });
});

describe('README.md (module.md §6.1)', () => {
  const readme = () => readFileSync(path.join(MODULE_DIR, 'README.md'), 'utf8');

  it('has exactly the registry frontmatter keys', () => {
    const front = /^---\n([\s\S]*?)\n---\n/.exec(readme());
    expect(front).not.toBeNull();
    const entries = Object.fromEntries(front![1]!.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]));
    expect(Object.keys(entries).sort()).toEqual(['description', 'display_name', 'icon', 'tags', 'verified']);
    expect(entries).toMatchObject({ display_name: 'AgentAPI', icon: '../../../../.icons/coder.svg', verified: 'true', tags: '[internal, library]' });
    expect(entries.description).not.toBe('');
  });

  it('has one H1, stepwise headings, the caution alert, one tf block with version 3.0.0 and the required sections', () => {
    const body = readme().replace(/^---\n[\s\S]*?\n---\n/, '');
    const outsideFences = body.replace(/```[\s\S]*?```/g, '');
    const headings = [...outsideFences.matchAll(/^(#+) (.*)$/gm)].map((m) => ({ level: m[1]!.length, text: m[2]! }));
    expect(headings.filter((h) => h.level === 1).map((h) => h.text)).toEqual(['AgentAPI']);
    expect(headings[0]).toEqual({ level: 1, text: 'AgentAPI' });
    headings.slice(1).forEach((h, i) => expect(h.level - headings[i]!.level, h.text).toBeLessThanOrEqual(1));
    for (const section of ['State Persistence', 'Task log snapshot', 'Shutdown sequence', 'For module developers']) {
      expect(headings).toContainEqual({ level: 2, text: section });
    }
    expect(body).toMatch(/^> \[!CAUTION\]$/m);
    const h1Section = body.slice(0, body.indexOf('\n## '));
    const tfBlocks = [...h1Section.matchAll(/^```tf\n([\s\S]*?)^```$/gm)];
    expect(tfBlocks).toHaveLength(1);
    expect(tfBlocks[0]![1]).toContain('version = "3.0.0"');
    expect(body).not.toMatch(/^```hcl/m);
    expect(outsideFences).not.toMatch(/^\|.*\|$/m);
  });
});
