import { describe, expect, it } from 'vitest';
import { ServerArgsError } from './errors.js';
import { SERVER_FLAGS, SERVER_FLAG_DEFAULTS, envNameOf } from './server-options-flags.js';
import { parseServerArgs, type Env, type ServerArgs } from './server-options.js';

const parse = (argv: string[], env: Env = {}): ServerArgs => parseServerArgs(argv, env);

function parseError(argv: string[], env: Env = {}): ServerArgsError {
  try {
    parseServerArgs(argv, env);
  } catch (err) {
    if (err instanceof ServerArgsError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to fail`);
}

describe('parseServerArgs: defaults', () => {
  it('uses the §2.2.2 defaults when neither flag nor env is given', () => {
    const args = parse(['claude']);
    expect(args).toMatchObject({
      type: '',
      port: 3284,
      printOpenApi: false,
      chatBasePath: '/chat',
      termWidth: 80,
      termHeight: 1000,
      allowedHosts: ['localhost', '127.0.0.1', '[::1]'],
      allowedOrigins: ['http://localhost:3284', 'http://localhost:3000', 'http://localhost:3001'],
      initialPrompt: '',
      stateFile: '',
      loadState: undefined,
      saveState: undefined,
      pidFile: '',
      experimentalAcp: false,
      exit: false,
      host: '',
      help: false,
      agentCommand: ['claude'],
    });
    expect(Object.values(args.sources).every((s) => s === 'default')).toBe(true);
  });

  it('never hands out the shared default lists', () => {
    parse(['x']).allowedHosts.push('evil.com');
    expect(parse(['x']).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(SERVER_FLAG_DEFAULTS.allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
  });
});

describe('parseServerArgs: precedence flag > env > default (§2.4)', () => {
  it('AGENTAPI_PORT=4000 → 4000 from env', () => {
    const args = parse(['x'], { AGENTAPI_PORT: '4000' });
    expect(args.port).toBe(4000);
    expect(args.sources.port).toBe('env');
  });

  it('AGENTAPI_PORT=4000 with --port 5000 → 5000 from the flag', () => {
    const args = parse(['--port', '5000', 'x'], { AGENTAPI_PORT: '4000' });
    expect(args.port).toBe(5000);
    expect(args.sources.port).toBe('cli');
  });

  it('an empty env var counts as unset', () => {
    const args = parse(['x'], { AGENTAPI_PORT: '', AGENTAPI_LOAD_STATE: '' });
    expect(args.port).toBe(3284);
    expect(args.loadState).toBeUndefined();
    expect(args.sources.loadState).toBe('default');
  });

  it('a list flag ignores the list env var entirely', () => {
    expect(parse(['-a', 'c.com', 'x'], { AGENTAPI_ALLOWED_HOSTS: 'a.com b.com' }).allowedHosts).toEqual(['c.com']);
  });

  // One sample per flag, so every row of the §2.2.2 table is read from its env var.
  const samples: Record<string, [string, unknown]> = {
    type: ['codex', 'codex'],
    port: ['4000', 4000],
    printOpenApi: ['true', true],
    chatBasePath: ['/x', '/x'],
    termWidth: ['100', 100],
    termHeight: ['50', 50],
    allowedHosts: ['a.com b.com', ['a.com', 'b.com']],
    allowedOrigins: ['https://a.com', ['https://a.com']],
    initialPrompt: ['hi', 'hi'],
    stateFile: ['s.json', 's.json'],
    loadState: ['false', false],
    saveState: ['1', true],
    pidFile: ['p.pid', 'p.pid'],
    experimentalAcp: ['T', true],
    exit: ['True', true],
    host: ['127.0.0.1', '127.0.0.1'],
  };
  it.each(SERVER_FLAGS.map((f) => [envNameOf(f), f.key] as const))('%s sets %s', (envName, key) => {
    const [raw, expected] = samples[key]!;
    const args = parse(['x'], { [envName]: raw });
    expect(args[key]).toEqual(expected);
    expect(args.sources[key]).toBe('env');
  });

  it('env names follow AGENTAPI_<NAME>', () => {
    expect(SERVER_FLAGS.map(envNameOf)).toEqual([
      'AGENTAPI_TYPE', 'AGENTAPI_PORT', 'AGENTAPI_PRINT_OPENAPI', 'AGENTAPI_CHAT_BASE_PATH', 'AGENTAPI_TERM_WIDTH',
      'AGENTAPI_TERM_HEIGHT', 'AGENTAPI_ALLOWED_HOSTS', 'AGENTAPI_ALLOWED_ORIGINS', 'AGENTAPI_INITIAL_PROMPT',
      'AGENTAPI_STATE_FILE', 'AGENTAPI_LOAD_STATE', 'AGENTAPI_SAVE_STATE', 'AGENTAPI_PID_FILE',
      'AGENTAPI_EXPERIMENTAL_ACP', 'AGENTAPI_EXIT', 'AGENTAPI_HOST',
    ]);
  });
});

describe('parseServerArgs: flag syntax (pflag)', () => {
  it.each<[string, string[], Partial<ServerArgs>]>([
    ['--flag value', ['--port', '5000', 'x'], { port: 5000 }],
    ['--flag=value', ['--port=5000', 'x'], { port: 5000 }],
    ['-f value', ['-p', '5000', 'x'], { port: 5000 }],
    ['-fvalue', ['-p5000', 'x'], { port: 5000 }],
    ['-f=value', ['-p=5000', 'x'], { port: 5000 }],
    ['bool cluster then value', ['-Pt', 'claude', 'x'], { printOpenApi: true, type: 'claude' }],
    ['bool cluster with inline value', ['-Ptclaude', 'x'], { printOpenApi: true, type: 'claude' }],
    ['short bool =false', ['-P=false', 'x'], { printOpenApi: false }],
    ['every short flag', ['-t', 'goose', '-p', '1', '-c', '/c', '-W', '20', '-H', '30', '-a', 'h', '-o', 'http://o', '-I', 'go', '-s', 's', 'x'],
      { type: 'goose', port: 1, chatBasePath: '/c', termWidth: 20, termHeight: 30, allowedHosts: ['h'], allowedOrigins: ['http://o'], initialPrompt: 'go', stateFile: 's' }],
    ['long-only flags', ['--pid-file', 'p', '--host', '127.0.0.1', '--load-state', '--save-state=false', 'x'],
      { pidFile: 'p', host: '127.0.0.1', loadState: true, saveState: false }],
    ['the last occurrence of a scalar wins', ['-p', '1', '--port=2', 'x'], { port: 2 }],
    ['a value-taking flag consumes a dash argument', ['--type', '--port', 'x'], { type: '--port', port: 3284 }],
    ['a value-taking flag consumes "--"', ['-t', '--', 'x'], { type: '--', agentCommand: ['x'] }],
    ['--flag= gives an empty string', ['--chat-base-path=', 'x'], { chatBasePath: '' }],
    ['a single trailing newline of a string value is dropped', ['--state-file', 'f\n', 'x'], { stateFile: 'f' }],
    ['only one trailing newline is dropped', ['-I', 'hi\n\n', 'x'], { initialPrompt: 'hi\n' }],
  ])('%s', (_name, argv, expected) => {
    expect(parse(argv)).toMatchObject(expected);
  });

  it('drops a trailing newline from a string env value too', () => {
    expect(parse(['x'], { AGENTAPI_STATE_FILE: '/tmp/s.json\n' }).stateFile).toBe('/tmp/s.json');
  });
});

describe('parseServerArgs: bool flags', () => {
  it('`--exit -- x` sets exit and keeps x as the agent (§2.4)', () => {
    expect(parse(['--exit', '--', 'x'])).toMatchObject({ exit: true, agentCommand: ['x'] });
  });

  it('a bare bool flag never consumes the next argument', () => {
    expect(parse(['--exit', 'false', 'x'])).toMatchObject({ exit: true, agentCommand: ['false', 'x'] });
    expect(parse(['-P', 'false'])).toMatchObject({ printOpenApi: true, agentCommand: ['false'] });
  });

  it.each([
    ['1', true], ['t', true], ['T', true], ['TRUE', true], ['true', true], ['True', true],
    ['0', false], ['f', false], ['F', false], ['FALSE', false], ['false', false], ['False', false],
  ])('--experimental-acp=%s and AGENTAPI_EXPERIMENTAL_ACP=%s → %s', (raw, expected) => {
    expect(parse([`--experimental-acp=${raw}`, 'x']).experimentalAcp).toBe(expected);
    expect(parse(['x'], { AGENTAPI_EXPERIMENTAL_ACP: raw }).experimentalAcp).toBe(expected);
  });

  it('records whether load/save-state were explicitly set', () => {
    expect(parse(['x'])).toMatchObject({ loadState: undefined, saveState: undefined });
    expect(parse(['--load-state=false', 'x'])).toMatchObject({ loadState: false, saveState: undefined });
    expect(parse(['--save-state', 'x'])).toMatchObject({ loadState: undefined, saveState: true });
    const fromEnv = parse(['x'], { AGENTAPI_LOAD_STATE: 'false', AGENTAPI_SAVE_STATE: 'true' });
    expect(fromEnv).toMatchObject({ loadState: false, saveState: true });
    expect(fromEnv.sources).toMatchObject({ loadState: 'env', saveState: 'env' });
  });
});

describe('parseServerArgs: list flags', () => {
  it.each<[string, string[], Env, string[]]>([
    ['-a a.com -a b.com (§2.4)', ['-a', 'a.com', '-a', 'b.com', 'x'], {}, ['a.com', 'b.com']],
    ['--allowed-hosts a.com,b.com (§2.4)', ['--allowed-hosts', 'a.com,b.com', 'x'], {}, ['a.com', 'b.com']],
    ['AGENTAPI_ALLOWED_HOSTS="a.com\\tb.com" (§2.4)', ['x'], { AGENTAPI_ALLOWED_HOSTS: 'a.com\tb.com' }, ['a.com', 'b.com']],
    ['env split on any whitespace run', ['x'], { AGENTAPI_ALLOWED_HOSTS: ' a.com \n\n b.com\t c.com ' }, ['a.com', 'b.com', 'c.com']],
    ['env keeps commas inside an entry', ['x'], { AGENTAPI_ALLOWED_HOSTS: 'a.com,b.com' }, ['a.com,b.com']],
    ['env of only whitespace is an empty list', ['x'], { AGENTAPI_ALLOWED_HOSTS: ' \t' }, []],
    ['repeated and comma-separated mix', ['-a', 'a,b', '--allowed-hosts=c', '-ad', 'x'], {}, ['a', 'b', 'c', 'd']],
    ['the first occurrence replaces the default', ['-a', 'a.com', 'x'], {}, ['a.com']],
    ['an empty value is an empty list', ['-a', '', 'x'], {}, []],
    ['a quoted entry keeps its comma', ['-a', '"a,b",c', 'x'], {}, ['a,b', 'c']],
    ['whitespace inside a flag entry is kept for the validator', ['-a', 'a.com b.com', 'x'], {}, ['a.com b.com']],
  ])('%s', (_name, argv, env, expected) => {
    expect(parse(argv, env).allowedHosts).toEqual(expected);
  });

  it('origins behave the same', () => {
    expect(parse(['-o', 'http://a', '-o', 'http://b,http://c', 'x']).allowedOrigins).toEqual(['http://a', 'http://b', 'http://c']);
    expect(parse(['x'], { AGENTAPI_ALLOWED_ORIGINS: 'http://a\nhttp://b' }).allowedOrigins).toEqual(['http://a', 'http://b']);
  });
});

describe('parseServerArgs: positional arguments (§2.2.1)', () => {
  it.each<[string, string[], string[], Partial<ServerArgs>]>([
    ['agent only', ['claude'], ['claude'], {}],
    ['flags before and after the agent', ['-p', '1', 'claude', '--type', 'codex'], ['claude'], { port: 1, type: 'codex' }],
    ['interspersed non-flags all belong to the agent', ['aider', '-p', '1', 'extra', '--', 'x'], ['aider', 'extra', 'x'], { port: 1 }],
    ['everything after -- is the agent', ['--', 'claude', '--port', '9', '-p'], ['claude', '--port', '9', '-p'], { port: 3284 }],
    ['-- after the program', ['claude', '--', '--model', 'sonnet'], ['claude', '--model', 'sonnet'], {}],
    ['a second -- is an agent argument', ['--', 'a', '--', 'b'], ['a', '--', 'b'], {}],
    ['a lone - is positional', ['-', 'x'], ['-', 'x'], {}],
    ['an empty string is positional', ['', 'x'], ['', 'x'], {}],
  ])('%s', (_name, argv, agentCommand, expected) => {
    const args = parse(argv);
    expect(args.agentCommand).toEqual(agentCommand);
    expect(args).toMatchObject(expected);
  });
});

describe('parseServerArgs: errors', () => {
  it.each<[string, string[], Env, string, string]>([
    ['no positional argument', [], {}, 'requires_args', 'requires at least 1 arg(s), only received 0'],
    ['only flags', ['--port', '5000'], {}, 'requires_args', 'requires at least 1 arg(s), only received 0'],
    ['nothing after --', ['-p', '1', '--'], {}, 'requires_args', 'requires at least 1 arg(s), only received 0'],
    ['unknown long flag', ['--bogus', 'x'], {}, 'unknown_flag', 'unknown flag: --bogus'],
    ['unknown long flag with value', ['--bogus=1', 'x'], {}, 'unknown_flag', 'unknown flag: --bogus'],
    ['unknown flag after the agent', ['claude', '--model', 'x'], {}, 'unknown_flag', 'unknown flag: --model'],
    ['unknown short flag', ['-x', 'x'], {}, 'unknown_flag', 'unknown flag: -x'],
    ['unknown short flag in a cluster', ['-Px', 'x'], {}, 'unknown_flag', 'unknown flag: -x'],
    ['upstream -v/--verbose is not in the table', ['-v', 'x'], {}, 'unknown_flag', 'unknown flag: -v'],
    ['prefixes are not expanded', ['--typ', 'claude', 'x'], {}, 'unknown_flag', 'unknown flag: --typ'],
    ['three dashes', ['---port', 'x'], {}, 'bad_flag_syntax', 'bad flag syntax: ---port'],
    ['empty name before =', ['--=x', 'x'], {}, 'bad_flag_syntax', 'bad flag syntax: --=x'],
    ['missing value for a long string flag', ['x', '--type'], {}, 'missing_argument', 'flag needs an argument: --type'],
    ['missing value for a short string flag', ['x', '-t'], {}, 'missing_argument', "flag needs an argument: 't' in -t"],
    ['missing value at the end of a cluster', ['x', '-Pt'], {}, 'missing_argument', "flag needs an argument: 't' in -t"],
    ['missing value for a list flag', ['x', '--allowed-hosts'], {}, 'missing_argument', 'flag needs an argument: --allowed-hosts'],
    ['non-numeric port', ['--port', 'abc', 'x'], {}, 'invalid_argument',
      'invalid argument "abc" for "-p, --port" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
    ['empty port', ['--port=', 'x'], {}, 'invalid_argument',
      'invalid argument "" for "-p, --port" flag: strconv.ParseInt: parsing "": invalid syntax'],
    ['port above 65535', ['-p', '70000', 'x'], {}, 'invalid_argument',
      'invalid argument "70000" for "-p, --port" flag: port must be between 0 and 65535'],
    ['negative port', ['-p', '-1', 'x'], {}, 'invalid_argument',
      'invalid argument "-1" for "-p, --port" flag: port must be between 0 and 65535'],
    ['port beyond int64', ['-p', '99999999999999999999', 'x'], {}, 'invalid_argument',
      'invalid argument "99999999999999999999" for "-p, --port" flag: strconv.ParseInt: parsing "99999999999999999999": value out of range'],
    ['uint16 overflow for term width', ['--term-width', '65536', 'x'], {}, 'invalid_argument',
      'invalid argument "65536" for "-W, --term-width" flag: strconv.ParseUint: parsing "65536": value out of range'],
    ['negative term height', ['-H', '-5', 'x'], {}, 'invalid_argument',
      'invalid argument "-5" for "-H, --term-height" flag: strconv.ParseUint: parsing "-5": invalid syntax'],
    ['non-numeric term width', ['-W=wide', 'x'], {}, 'invalid_argument',
      'invalid argument "wide" for "-W, --term-width" flag: strconv.ParseUint: parsing "wide": invalid syntax'],
    ['bad bool value', ['--exit=yes', 'x'], {}, 'invalid_argument',
      'invalid argument "yes" for "--exit" flag: strconv.ParseBool: parsing "yes": invalid syntax'],
    ['bad short bool value', ['-P=on', 'x'], {}, 'invalid_argument',
      'invalid argument "on" for "-P, --print-openapi" flag: strconv.ParseBool: parsing "on": invalid syntax'],
    ['empty bool value', ['--load-state=', 'x'], {}, 'invalid_argument',
      'invalid argument "" for "--load-state" flag: strconv.ParseBool: parsing "": invalid syntax'],
    ['bad CSV in a list flag', ['-a', 'a"b', 'x'], {}, 'invalid_argument',
      'invalid argument "a\\"b" for "-a, --allowed-hosts" flag: parse error on line 1, column 2: bare " in non-quoted field'],
    ['value quoted the Go way', ['--port', 'a\tb', 'x'], {}, 'invalid_argument',
      'invalid argument "a\\tb" for "-p, --port" flag: strconv.ParseInt: parsing "a\\tb": invalid syntax'],
    ['non-numeric port from env', ['x'], { AGENTAPI_PORT: 'abc' }, 'invalid_env',
      'invalid value "abc" for AGENTAPI_PORT: strconv.ParseInt: parsing "abc": invalid syntax'],
    ['bad bool from env', ['x'], { AGENTAPI_EXIT: 'yes' }, 'invalid_env',
      'invalid value "yes" for AGENTAPI_EXIT: strconv.ParseBool: parsing "yes": invalid syntax'],
    ['uint16 overflow from env', ['x'], { AGENTAPI_TERM_HEIGHT: '100000' }, 'invalid_env',
      'invalid value "100000" for AGENTAPI_TERM_HEIGHT: strconv.ParseUint: parsing "100000": value out of range'],
  ])('%s', (_name, argv, env, code, message) => {
    const err = parseError(argv, env);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it('argv errors win over the positional count, which wins over env errors (cobra order)', () => {
    expect(parseError(['--bogus'], { AGENTAPI_PORT: 'abc' }).code).toBe('unknown_flag');
    expect(parseError([], { AGENTAPI_PORT: 'abc' }).code).toBe('requires_args');
  });

  it('a flag value overrides a malformed env value without reading it', () => {
    expect(parse(['-p', '1', 'x'], { AGENTAPI_PORT: 'abc' }).port).toBe(1);
  });
});

describe('parseServerArgs: --help', () => {
  it.each([[['--help']], [['-h']], [['claude', '--help']], [['-Ph']], [['--help=true']]])('%j asks for help without an agent', (argv) => {
    const args = parse(argv, { AGENTAPI_PORT: 'not-read' });
    expect(args.help).toBe(true);
  });

  it('--help=false is no help', () => {
    expect(parse(['--help=false', 'x']).help).toBe(false);
  });

  it('a flag error still wins over --help', () => {
    expect(parseError(['--help', '--bogus']).code).toBe('unknown_flag');
  });
});
