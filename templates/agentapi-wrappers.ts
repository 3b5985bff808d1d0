// The two coder_script wrappers of the agentapi module (module.md §4), byte
// for byte as Terraform renders the heredocs of registry/.../main.tf for the
// same inputs, so a test can compare this output with a Terraform rendering.
// It only formats text: it never reads files, never runs anything, and never
// writes a free-form value into the wrapper except base64-encoded.
//
// Rendered layout (a `<<-EOT` heredoc once Terraform strips its indentation;
// every line ends with "\n", including the last):
//
//   #!/bin/bash
//   set -euo pipefail
//   <empty line>
//   scripts_dir="$(mktemp -d "${TMPDIR:-/tmp}/agentapi-module.XXXXXX")"   ← `$${TMPDIR` in HCL
//   trap 'rm -rf "$scripts_dir"' EXIT
//   <empty line>
//   printf '%s' '<base64 of the script>' | base64 -d > "$scripts_dir/<name>.sh"
//   chmod +x "$scripts_dir/<name>.sh"
//   … (start: main, lib, wait-for-start; shutdown: shutdown, lib)
//   <empty line>
//   ARG_<NAME>=<value> \            ← one line per ARG, in the order of START_ARGS / SHUTDOWN_ARGS
//   "$scripts_dir/<main.sh|shutdown.sh>"
//
// Values: base64 ARGs as `"$(printf '%s' '<base64>' | base64 -d)"`; raw ARGs
// (bools, the port, the task ID) as `'<value>'`. Base64 is standard and
// padded, of the UTF-8 bytes — what Terraform's base64encode produces.

export type ArgKind = 'base64' | 'raw';

export interface ArgDef {
  readonly name: string;
  readonly kind: ArgKind;
}

/** The start wrapper's ARGs, in rendering order (module.md §4.4). */
export const START_ARGS = [
  { name: 'ARG_MODULE_DIR_NAME', kind: 'base64' },
  { name: 'ARG_WORKDIR', kind: 'base64' },
  { name: 'ARG_PRE_INSTALL_SCRIPT', kind: 'base64' },
  { name: 'ARG_INSTALL_SCRIPT', kind: 'base64' },
  { name: 'ARG_POST_INSTALL_SCRIPT', kind: 'base64' },
  { name: 'ARG_START_SCRIPT', kind: 'base64' },
  { name: 'ARG_INSTALL_AGENTAPI', kind: 'raw' },
  { name: 'ARG_AGENTAPI_VERSION', kind: 'base64' },
  { name: 'ARG_AGENTAPI_PORT', kind: 'raw' },
  { name: 'ARG_AGENTAPI_CHAT_BASE_PATH', kind: 'base64' },
  { name: 'ARG_TASK_ID', kind: 'raw' },
  { name: 'ARG_TASK_LOG_SNAPSHOT', kind: 'raw' },
  { name: 'ARG_ENABLE_STATE_PERSISTENCE', kind: 'raw' },
  { name: 'ARG_STATE_FILE_PATH', kind: 'base64' },
  { name: 'ARG_PID_FILE_PATH', kind: 'base64' },
] as const satisfies readonly ArgDef[];

/** The shutdown wrapper's ARGs, in rendering order (module.md §4.4). */
export const SHUTDOWN_ARGS = [
  { name: 'ARG_TASK_ID', kind: 'raw' },
  { name: 'ARG_TASK_LOG_SNAPSHOT', kind: 'raw' },
  { name: 'ARG_AGENTAPI_PORT', kind: 'raw' },
  { name: 'ARG_ENABLE_STATE_PERSISTENCE', kind: 'raw' },
  { name: 'ARG_STATE_FILE_PATH', kind: 'base64' },
  { name: 'ARG_PID_FILE_PATH', kind: 'base64' },
  { name: 'ARG_MODULE_DIR_NAME', kind: 'base64' },
] as const satisfies readonly ArgDef[];

type ArgName<T extends readonly ArgDef[]> = T[number]['name'];
export type StartArgValues = Record<ArgName<typeof START_ARGS>, string>;
export type ShutdownArgValues = Record<ArgName<typeof SHUTDOWN_ARGS>, string>;

/** The module's script files, as read from registry/coder/modules/agentapi/scripts/. */
export interface ModuleScripts {
  main: string;
  lib: string;
  waitForStart: string;
  shutdown: string;
}

/** Terraform's base64encode: standard alphabet, padded, of the UTF-8 bytes. */
export function base64encode(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64');
}

/** Raw values end up inside single quotes: only safe, simple tokens may. */
const RAW_VALUE = /^[A-Za-z0-9._-]*$/;

function renderArg(def: ArgDef, value: string): string {
  if (def.kind === 'base64') return `${def.name}="$(printf '%s' '${base64encode(value)}' | base64 -d)"`;
  if (!RAW_VALUE.test(value)) throw new Error(`${def.name}: raw value ${JSON.stringify(value)} is not a bool, number or UUID`);
  return `${def.name}='${value}'`;
}

function renderWrapper(
  files: readonly (readonly [name: string, content: string])[],
  args: readonly ArgDef[],
  values: Readonly<Record<string, string>>,
  entry: string,
): string {
  const lines = [
    '#!/bin/bash',
    'set -euo pipefail',
    '',
    'scripts_dir="$(mktemp -d "${TMPDIR:-/tmp}/agentapi-module.XXXXXX")"',
    `trap 'rm -rf "$scripts_dir"' EXIT`,
    '',
  ];
  for (const [name, content] of files) {
    lines.push(`printf '%s' '${base64encode(content)}' | base64 -d > "$scripts_dir/${name}"`);
    lines.push(`chmod +x "$scripts_dir/${name}"`);
  }
  lines.push('');
  for (const def of args) {
    const value = values[def.name];
    if (value === undefined) throw new Error(`${def.name}: no value`);
    lines.push(`${renderArg(def, value)} \\`);
  }
  lines.push(`"$scripts_dir/${entry}"`);
  return `${lines.join('\n')}\n`;
}

/** coder_script.agentapi's script: writes main.sh, lib.sh, wait-for-start.sh and runs main.sh. */
export function renderStartWrapper(scripts: ModuleScripts, values: StartArgValues): string {
  const files = [
    ['main.sh', scripts.main],
    ['lib.sh', scripts.lib],
    ['wait-for-start.sh', scripts.waitForStart],
  ] as const;
  return renderWrapper(files, START_ARGS, values, 'main.sh');
}

/** coder_script.shutdown's script: writes shutdown.sh, lib.sh and runs shutdown.sh. */
export function renderShutdownWrapper(scripts: ModuleScripts, values: ShutdownArgValues): string {
  const files = [
    ['shutdown.sh', scripts.shutdown],
    ['lib.sh', scripts.lib],
  ] as const;
  return renderWrapper(files, SHUTDOWN_ARGS, values, 'shutdown.sh');
}
