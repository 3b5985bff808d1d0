// Turns the argv and env of `agentapi server [flags] -- <agent> [args...]`
// into typed ServerArgs: flag > env (`AGENTAPI_<NAME>`) > default, with Go
// pflag semantics. Syntax and types only; the semantic checks of §2.2.4–2.2.10
// live in server-config.ts. Must never read process.argv/process.env itself,
// print, exit, or spawn anything.
//
// Why a hand-written scanner instead of commander: upstream parses with
// spf13/pflag, and several of its rules cannot be expressed in commander
// without fighting it: a bool flag takes `--flag=false` but never consumes
// the next argument (commander's optional-value options do consume it, and
// its boolean options reject `=value`); short clusters mix bools and a
// trailing value (`-Pt claude`, `-p=5000`); a value-taking flag consumes the
// next argument even when it starts with `-`; list env vars split on
// whitespace while list flags are CSV and repeatable, replacing the default
// on first use; and error texts must be pflag's. The scanner is ~100 lines
// and covered by table tests; `sources` mirrors commander's
// getOptionValueSource vocabulary so callers can still ask where a value
// came from.
import { ServerArgsError, goQuote } from './errors.js';
import {
  SERVER_FLAGS,
  SERVER_FLAG_DEFAULTS,
  displayNameOf,
  envNameOf,
  type FlagKey,
  type FlagSpec,
  type ServerFlagValues,
} from './server-options-flags.js';
import {
  parseGoBool,
  parseGoInt64,
  parseGoUint,
  splitListEnvValue,
  splitListFlagValue,
  stripTrailingNewline,
  type ParseResult,
} from './server-options-values.js';

export type ValueSource = 'cli' | 'env' | 'default';

export interface ServerArgs extends ServerFlagValues {
  /** Every non-flag argument plus everything after `--`; first element = program. */
  agentCommand: string[];
  /**
   * `--help`/`-h` was given: the caller prints SERVER_USAGE and exits 0.
   * Then the positional-count check is skipped and env is not read, as cobra does.
   */
  help: boolean;
  /** Where each flag's value came from; `loadState`/`saveState` are explicit iff not `default`. */
  sources: Readonly<Record<FlagKey, ValueSource>>;
}

export type Env = Readonly<Record<string, string | undefined>>;

type FlagValue = ServerFlagValues[FlagKey];

const BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(SERVER_FLAGS.map((f) => [f.name, f]));
const BY_SHORT: ReadonlyMap<string, FlagSpec> = new Map(
  SERVER_FLAGS.filter((f) => f.short !== undefined).map((f) => [f.short!, f]),
);

const MAX_PORT = 65535;

/**
 * Parses `agentapi server` arguments (argv after the sub-command name).
 * Throws ServerArgsError with pflag's/cobra's message text.
 * The caller must honour `help` and then `exit` before validating further.
 */
export function parseServerArgs(argv: readonly string[], env: Env): ServerArgs {
  const scan = scanArgv(argv);
  // A deep copy, so no caller can mutate the shared default lists.
  const values: ServerFlagValues = structuredClone(SERVER_FLAG_DEFAULTS);
  // Keys and values travel together through FlagSpec; TS cannot correlate them in a loop.
  const writable = values as Record<FlagKey, FlagValue>;
  const sources = Object.fromEntries(SERVER_FLAGS.map((f) => [f.key, 'default'])) as Record<FlagKey, ValueSource>;
  for (const [key, value] of scan.cli) {
    writable[key] = value;
    sources[key] = 'cli';
  }
  if (!scan.help) {
    if (scan.positional.length === 0) {
      throw new ServerArgsError('requires_args', `requires at least 1 arg(s), only received 0`);
    }
    for (const flag of SERVER_FLAGS) {
      if (sources[flag.key] === 'cli') continue;
      const fromEnv = readEnv(flag, env);
      if (fromEnv === undefined) continue;
      writable[flag.key] = fromEnv;
      sources[flag.key] = 'env';
    }
  }
  return {
    ...values,
    agentCommand: scan.positional,
    help: scan.help,
    sources,
  };
}

interface Scan {
  cli: Map<FlagKey, FlagValue>;
  positional: string[];
  help: boolean;
}

/** pflag's FlagSet.Parse with interspersed arguments. */
function scanArgv(argv: readonly string[]): Scan {
  const scan: Scan = { cli: new Map(), positional: [], help: false };
  let i = 0;
  const next = (): string | undefined => (i < argv.length ? argv[i++] : undefined);

  while (i < argv.length) {
    const arg = argv[i++]!;
    if (arg.length < 2 || arg[0] !== '-') {
      scan.positional.push(arg);
    } else if (arg === '--') {
      scan.positional.push(...argv.slice(i));
      break;
    } else if (arg[1] === '-') {
      scanLong(arg, scan, next);
    } else {
      let shorthands = arg.slice(1);
      while (shorthands.length > 0) shorthands = scanShort(shorthands, scan, next);
    }
  }
  return scan;
}

function scanLong(arg: string, scan: Scan, next: () => string | undefined): void {
  let name = arg.slice(2);
  if (name.startsWith('-') || name.startsWith('=')) {
    throw new ServerArgsError('bad_flag_syntax', `bad flag syntax: ${arg}`);
  }
  let value: string | undefined;
  const eq = name.indexOf('=');
  if (eq !== -1) {
    value = name.slice(eq + 1);
    name = name.slice(0, eq);
  }
  if (name === 'help') {
    scan.help = helpValue(value, '--help');
    return;
  }
  const flag = BY_NAME.get(name);
  if (flag === undefined) throw new ServerArgsError('unknown_flag', `unknown flag: --${name}`);
  if (value === undefined) value = flag.kind === 'bool' ? 'true' : next();
  if (value === undefined) throw new ServerArgsError('missing_argument', `flag needs an argument: ${arg}`);
  setFromCli(flag, value, scan);
}

/** Consumes the first shorthand of a cluster; returns what is left of the cluster. */
function scanShort(shorthands: string, scan: Scan, next: () => string | undefined): string {
  const c = String.fromCodePoint(shorthands.codePointAt(0)!);
  const after = shorthands.slice(c.length);
  const inlineValue = after.length > 1 && after[0] === '=' ? after.slice(1) : undefined;
  if (c === 'h') {
    scan.help = helpValue(inlineValue, '-h');
    return inlineValue === undefined ? after : '';
  }
  const flag = BY_SHORT.get(c);
  // Upstream pflag says `unknown shorthand flag: 'x' in -x`; §2.2.1 fixes the text for every unknown flag.
  if (flag === undefined) throw new ServerArgsError('unknown_flag', `unknown flag: -${c}`);
  if (inlineValue !== undefined) {
    setFromCli(flag, inlineValue, scan);
    return '';
  }
  if (flag.kind === 'bool') {
    setFromCli(flag, 'true', scan);
    return after;
  }
  if (after.length > 0) {
    setFromCli(flag, after, scan);
    return '';
  }
  const value = next();
  if (value === undefined) {
    throw new ServerArgsError('missing_argument', `flag needs an argument: '${c}' in -${shorthands}`);
  }
  setFromCli(flag, value, scan);
  return '';
}

function helpValue(raw: string | undefined, display: string): boolean {
  if (raw === undefined) return true;
  const parsed = parseGoBool(raw);
  if (!parsed.ok) throw invalidArgument(raw, display, parsed.cause);
  return parsed.value;
}

function setFromCli(flag: FlagSpec, raw: string, scan: Scan): void {
  const parsed = parseValue(flag, raw, 'flag');
  if (!parsed.ok) throw invalidArgument(raw, displayNameOf(flag), parsed.cause);
  const previous = scan.cli.get(flag.key);
  // A list flag's first occurrence replaces the default; later ones append (pflag stringSlice).
  if (flag.kind === 'list' && Array.isArray(previous) && Array.isArray(parsed.value)) {
    scan.cli.set(flag.key, [...previous, ...parsed.value]);
  } else {
    scan.cli.set(flag.key, parsed.value);
  }
}

function invalidArgument(raw: string, display: string, cause: string): ServerArgsError {
  return new ServerArgsError('invalid_argument', `invalid argument ${goQuote(raw)} for ${goQuote(display)} flag: ${cause}`);
}

/**
 * The env value of a flag, or undefined when absent. An empty variable counts
 * as absent (viper's default, AllowEmptyEnv = false), also for "explicitly set".
 * Unlike viper, which silently turns a malformed number or bool into 0/false,
 * a malformed value is an error naming the variable.
 */
function readEnv(flag: FlagSpec, env: Env): FlagValue | undefined {
  const name = envNameOf(flag);
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = parseValue(flag, raw, 'env');
  if (!parsed.ok) {
    throw new ServerArgsError('invalid_env', `invalid value ${goQuote(raw)} for ${name}: ${parsed.cause}`);
  }
  return parsed.value;
}

function parseValue(flag: FlagSpec, raw: string, from: 'flag' | 'env'): ParseResult<FlagValue> {
  switch (flag.kind) {
    case 'string':
      return { ok: true, value: stripTrailingNewline(raw) };
    case 'bool':
      return parseGoBool(raw);
    case 'uint16':
      return parseGoUint(raw, 16);
    case 'int': {
      const parsed = parseGoInt64(raw);
      if (!parsed.ok) return parsed;
      // pflag would accept any int64 and fail later at listen; rejecting here
      // gives a clear message before anything is spawned. (The port is the only int flag.)
      if (flag.key === 'port' && (parsed.value < 0n || parsed.value > BigInt(MAX_PORT))) {
        return { ok: false, cause: `port must be between 0 and ${MAX_PORT}` };
      }
      return { ok: true, value: Number(parsed.value) };
    }
    case 'list':
      return from === 'flag' ? splitListFlagValue(raw) : { ok: true, value: splitListEnvValue(raw) };
  }
}
