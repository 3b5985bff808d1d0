// `taskyard/templates`: what template modules import. `agentapiModule` is the
// TS port of registry/coder/modules/agentapi (server.md §4.2): it reads the
// very same scripts/*.sh files shipped in the package and renders the start
// and shutdown coder_script wrappers exactly as the module's Terraform does.
// It must never keep its own copy of those scripts, never run anything, and
// never embed a free-form value in a wrapper except base64-encoded.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppSpec, ScriptSpec, TemplateContext } from '../src/protocol/template.js';
import { renderShutdownWrapper, renderStartWrapper, type ModuleScripts } from './agentapi-wrappers.js';

export type { AppSpec, ScriptSpec, TemplateContext, TemplateMetadata, WorkspaceSpec } from '../src/protocol/template.js';
/** For templates embedding free-form text (prompts) in scripts: decode with `base64 -d`. */
export { base64encode } from './agentapi-wrappers.js';

/** The module's variables (module.md §2, snake_case) plus the TS port's own options. */
export interface AgentapiModuleOptions {
  /** Only used in the chat base path when `agentapi_subdomain` is false. Default `main`. */
  agent_id?: string;
  web_app_order?: number | null;
  web_app_group?: string | null;
  web_app_icon?: string;
  web_app_display_name: string;
  web_app_slug: string;
  /** AgentAPI's working directory. Default `/home/coder` (as in Terraform). */
  folder?: string;
  /** Default true; forced on when the workspace runs a task. */
  web_app?: boolean;
  /** taskyard apps are URLs: a CLI app cannot be provided (true is an error). */
  cli_app?: boolean;
  cli_app_order?: number | null;
  cli_app_group?: string | null;
  cli_app_icon?: string;
  cli_app_display_name?: string;
  cli_app_slug?: string;
  pre_install_script?: string | null;
  install_script?: string;
  post_install_script?: string | null;
  /** Must start `agentapi server`; called as `<script> true <port>`. */
  start_script: string;
  /** Default false: the package's `agentapi` bin is on PATH (server.md §4.2.4). */
  install_agentapi?: boolean;
  agentapi_version?: string;
  /** Default `ctx.ports.agentapi`. */
  agentapi_port?: number;
  task_log_snapshot?: boolean;
  agentapi_subdomain?: boolean;
  module_dir_name: string;
  enable_state_persistence?: boolean;
  /** Default `<home>/.agentapi/state.json`. */
  state_file_path?: string;
  /** Default `<home>/.agentapi/agentapi.pid`. */
  pid_file_path?: string;
  /** Default `agentapi`: resource addresses are `module.<module_name>.coder_script.*`. */
  module_name?: string;
  start_depends_on?: string[];
}

export interface AgentapiModuleOutput {
  scripts: ScriptSpec[];
  apps: AppSpec[];
}

export class AgentapiModuleError extends Error {
  readonly code = 'invalid_agentapi_module_options';
  constructor(message: string) {
    super(message);
    this.name = 'AgentapiModuleError';
  }
}

const SCRIPTS_SUBDIR = path.join('registry', 'coder', 'modules', 'agentapi', 'scripts');
/** Terraform's agentapi_subdomain_false_min_version_expr: a version >= v0.3.3. */
const SUBDOMAIN_FALSE_MIN_VERSION = /^v(0\.(3\.[3-9]|3.[1-9]\d+|[4-9]\.\d+|[1-9]\d+\.\d+)|[1-9]\d*\.\d+\.\d+)$/;
const TASK_ID = /^[0-9A-Fa-f-]*$/;

let scriptsDirCache: string | undefined;

/** registry/coder/modules/agentapi/scripts of this package, from src (tsx) or dist alike. */
export function moduleScriptsDir(): string {
  if (scriptsDirCache) return scriptsDirCache;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, SCRIPTS_SUBDIR);
    if (existsSync(path.join(candidate, 'main.sh'))) return (scriptsDirCache = candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new AgentapiModuleError(`cannot find ${SCRIPTS_SUBDIR} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The module's shell scripts, read fresh from the package (never copied). */
export function readModuleScripts(): ModuleScripts {
  const dir = moduleScriptsDir();
  const read = (name: string) => readFileSync(path.join(dir, name), 'utf8');
  return { main: read('main.sh'), lib: read('lib.sh'), waitForStart: read('wait-for-start.sh'), shutdown: read('shutdown.sh') };
}

/** Terraform's variable validations (module.md §2), with their messages. */
function validate(opts: AgentapiModuleOptions, version: string, stateFile: string, pidFile: string, port: number): void {
  if (version !== 'latest' && !/^v\d+\.\d+\.\d+$/.test(version)) {
    throw new AgentapiModuleError('agentapi_version must be "latest" or a version like "v0.12.1".');
  }
  const subdomain = opts.agentapi_subdomain ?? true;
  if (!subdomain && /^v\d+\.\d+\.\d+$/.test(version) && !SUBDOMAIN_FALSE_MIN_VERSION.test(version)) {
    throw new AgentapiModuleError('Running with subdomain = false is only supported by agentapi >= v0.3.3.');
  }
  if (!stateFile.startsWith('/')) throw new AgentapiModuleError('state_file_path must be an absolute path.');
  if (!pidFile.startsWith('/')) throw new AgentapiModuleError('pid_file_path must be an absolute path.');
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new AgentapiModuleError(`agentapi_port must be a port number (got ${String(port)}); is ctx.ports.agentapi set?`);
  }
  if (opts.cli_app) throw new AgentapiModuleError('cli_app is not supported by taskyard: apps are URLs.');
}

const bool = (value: boolean) => (value ? 'true' : 'false');

/** The agentapi module for a workspace: its two coder_scripts and its web app. */
export function agentapiModule(ctx: TemplateContext, opts: AgentapiModuleOptions): AgentapiModuleOutput {
  const version = opts.agentapi_version ?? 'v0.12.1';
  const port = opts.agentapi_port ?? ctx.ports.agentapi ?? Number.NaN;
  const stateFile = opts.state_file_path ?? path.posix.join(ctx.home_dir, '.agentapi', 'state.json');
  const pidFile = opts.pid_file_path ?? path.posix.join(ctx.home_dir, '.agentapi', 'agentapi.pid');
  validate(opts, version, stateFile, pidFile, port);

  const taskId = ctx.task?.id ?? '';
  if (!TASK_ID.test(taskId)) throw new AgentapiModuleError(`task id ${JSON.stringify(taskId)} is not a UUID`);
  const folder = opts.folder ?? '/home/coder';
  const moduleName = opts.module_name ?? 'agentapi';
  const chatBasePath =
    (opts.agentapi_subdomain ?? true)
      ? ''
      : `/@${ctx.owner.username}/${ctx.workspace.name}.${opts.agent_id ?? 'main'}/apps/${opts.web_app_slug}/chat`;
  const common = {
    ARG_TASK_ID: taskId,
    ARG_TASK_LOG_SNAPSHOT: bool(opts.task_log_snapshot ?? true),
    ARG_AGENTAPI_PORT: String(port),
    ARG_ENABLE_STATE_PERSISTENCE: bool(opts.enable_state_persistence ?? true),
    ARG_STATE_FILE_PATH: stateFile,
    ARG_PID_FILE_PATH: pidFile,
    ARG_MODULE_DIR_NAME: opts.module_dir_name,
  };

  const files = readModuleScripts();
  const start = renderStartWrapper(files, {
    ...common,
    ARG_WORKDIR: folder.endsWith('/') ? folder.slice(0, -1) : folder,
    ARG_PRE_INSTALL_SCRIPT: opts.pre_install_script ?? '',
    ARG_INSTALL_SCRIPT: opts.install_script ?? '',
    ARG_POST_INSTALL_SCRIPT: opts.post_install_script ?? '',
    ARG_START_SCRIPT: opts.start_script,
    ARG_INSTALL_AGENTAPI: bool(opts.install_agentapi ?? false),
    ARG_AGENTAPI_VERSION: version,
    ARG_AGENTAPI_CHAT_BASE_PATH: chatBasePath,
  });
  const shutdown = renderShutdownWrapper(files, common);

  const startScript: ScriptSpec = {
    display_name: 'Install and start AgentAPI',
    resource_address: `module.${moduleName}.coder_script.agentapi`,
    script: start,
    run_on_start: true,
  };
  if (opts.start_depends_on) startScript.depends_on = [...opts.start_depends_on];
  const scripts: ScriptSpec[] = [
    startScript,
    {
      display_name: 'AgentAPI Shutdown',
      resource_address: `module.${moduleName}.coder_script.shutdown`,
      script: shutdown,
      run_on_stop: true,
      timeout_ms: 120_000,
    },
  ];

  const apps: AppSpec[] = [];
  if ((opts.web_app ?? true) || ctx.task !== null) {
    const app: AppSpec = {
      slug: opts.web_app_slug,
      display_name: opts.web_app_display_name,
      url: `http://localhost:${port}/`,
      healthcheck: { url: `http://localhost:${port}/status`, interval_s: 3, threshold: 20 },
      task_app: true,
    };
    if (opts.web_app_icon !== undefined) app.icon = opts.web_app_icon;
    apps.push(app);
  }
  return { scripts, apps };
}
