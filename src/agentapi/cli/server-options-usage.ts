// The `agentapi server --help` text, laid out like cobra/pflag's FlagUsages
// and generated from the flag table so it cannot drift from the parser.
// Must never print it: the caller writes SERVER_USAGE to stdout and exits 0.
import { AGENT_TYPE_NAMES, SERVER_FLAGS, SERVER_FLAG_DEFAULTS, type FlagSpec } from './server-options-flags.js';
import { goQuote } from './errors.js';

const TYPE_NAMES: Readonly<Record<FlagSpec['kind'], string>> = {
  string: 'string',
  bool: '',
  int: 'int',
  uint16: 'uint16',
  list: 'strings',
};

/** pflag shows a default only when it is not the zero value of the type. */
function defaultSuffix(flag: FlagSpec): string {
  const value = SERVER_FLAG_DEFAULTS[flag.key];
  if (value === undefined || value === false || value === '' || value === 0) return '';
  if (Array.isArray(value)) return ` (default [${value.join(',')}])`;
  if (typeof value === 'string') return ` (default ${goQuote(value)})`;
  return ` (default ${String(value)})`;
}

function flagLines(): string[] {
  const rows = [
    ...SERVER_FLAGS.filter((f) => f.hidden !== true).map((f) => {
      const names = f.short === undefined ? `      --${f.name}` : `  -${f.short}, --${f.name}`;
      const typeName = TYPE_NAMES[f.kind];
      return { left: typeName === '' ? names : `${names} ${typeName}`, right: f.usage + defaultSuffix(f) };
    }),
    { left: '  -h, --help', right: 'help for server' },
  ];
  const width = Math.max(...rows.map((r) => r.left.length));
  return rows.map((r) => `${r.left.padEnd(width)}   ${r.right}`);
}

export const SERVER_USAGE = [
  `Run the server with the specified agent (one of: ${AGENT_TYPE_NAMES.join(', ')}, custom)`,
  '',
  'Usage:',
  '  agentapi server [flags] -- <agent> [agent args...]',
  '',
  'Every flag can also be set with the env var AGENTAPI_<NAME> (e.g. AGENTAPI_PORT=3284);',
  'a flag on the command line wins over the env var.',
  '',
  'Flags:',
  ...flagLines(),
  '',
].join('\n');
