import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { AllowedListError, ServerConfigError } from './errors.js';
import { parseServerArgs, type Env } from './server-options.js';
import { resolveServerConfig, type ServerConfig, type StdinSource } from './server-config.js';
import { stdinFromStream } from './server-config-stdin.js';

/** A terminal: reading it would block forever, so the test fails if it is read. */
const tty: StdinSource = {
  isTTY: true,
  readAll: () => Promise.reject(new Error('a TTY must not be read')),
};

function piped(text: string): StdinSource & { reads: number } {
  const source = {
    isTTY: false,
    reads: 0,
    readAll: () => {
      source.reads++;
      return Promise.resolve(text);
    },
  };
  return source;
}

const brokenPipe: StdinSource = { isTTY: false, readAll: () => Promise.reject(new Error('read EIO')) };

function resolve(argv: string[], env: Env = {}, stdin: StdinSource = tty): Promise<ServerConfig> {
  return resolveServerConfig(parseServerArgs(argv, env), stdin);
}

async function failure(argv: string[], env: Env = {}, stdin: StdinSource = tty): Promise<ServerConfigError> {
  try {
    await resolve(argv, env, stdin);
  } catch (err) {
    if (err instanceof ServerConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(argv)} to fail`);
}

describe('resolveServerConfig: defaults', () => {
  it('produces the full config for a bare agent', async () => {
    expect(await resolve(['claude'])).toEqual({
      agentType: 'claude',
      agentCommand: ['claude'],
      port: 3284,
      host: '',
      chatBasePath: '/chat',
      termWidth: 80,
      termHeight: 1000,
      allowedHosts: ['localhost', '127.0.0.1', '::1'],
      allowedOrigins: ['http://localhost:3284', 'http://localhost:3000', 'http://localhost:3001'],
      initialPrompt: '',
      stateFile: '',
      loadState: false,
      saveState: false,
      pidFile: '',
      printOpenApi: false,
      exit: false,
    } satisfies ServerConfig);
  });

  it('carries the remaining flags through', async () => {
    const config = await resolve(['-P', '--exit', '--pid-file', '/run/a.pid', '--host', '127.0.0.1', '-c', '/ui', '-p', '0', '--', 'x', '-y']);
    expect(config).toMatchObject({
      printOpenApi: true, exit: true, pidFile: '/run/a.pid', host: '127.0.0.1', chatBasePath: '/ui', port: 0, agentCommand: ['x', '-y'],
    });
  });
});

describe('resolveServerConfig: agent type (§2.2.4)', () => {
  it.each<[string[], Env, string]>([
    [['claude'], {}, 'claude'],
    [['/usr/bin/claude'], {}, 'custom'],
    [['./claude'], {}, 'custom'],
    [['Claude'], {}, 'custom'],
    [['cursor-agent'], {}, 'cursor'],
    [['cursor'], {}, 'cursor'],
    [['q'], {}, 'amazonq'],
    [['amazonq'], {}, 'amazonq'],
    [['goose'], {}, 'goose'],
    [['aider'], {}, 'aider'],
    [['codex'], {}, 'codex'],
    [['gemini'], {}, 'gemini'],
    [['copilot'], {}, 'copilot'],
    [['amp'], {}, 'amp'],
    [['auggie'], {}, 'auggie'],
    [['opencode'], {}, 'opencode'],
    [['my-agent'], {}, 'custom'],
    [['node', 'claude'], {}, 'custom'],
    [['--type', 'q', '/opt/bin/q-cli'], {}, 'amazonq'],
    [['-t', 'cursor-agent', 'x'], {}, 'cursor'],
    [['-t', 'custom', 'claude'], {}, 'custom'],
    [['x'], { AGENTAPI_TYPE: 'codex' }, 'codex'],
    [['-t', 'goose', 'x'], { AGENTAPI_TYPE: 'codex' }, 'goose'],
  ])('%j %j → %s', async (argv, env, expected) => {
    expect((await resolve(argv, env)).agentType).toBe(expected);
  });

  it('--type bogus → failed to parse agent type: invalid agent type: bogus (§2.4)', async () => {
    const err = await failure(['--type', 'bogus', 'claude']);
    expect(err.code).toBe('invalid_agent_type');
    expect(err.message).toBe('failed to parse agent type: invalid agent type: bogus');
    expect(err.cause).toMatchObject({ code: 'invalid_agent_type' });
  });

  it('the alias table is case-sensitive', async () => {
    expect((await failure(['-t', 'Claude', 'x'])).message).toBe('failed to parse agent type: invalid agent type: Claude');
  });
});

describe('resolveServerConfig: terminal size', () => {
  it.each<[string[], string, string]>([
    [['--term-width', '9', 'x'], 'term_width_too_small', 'term width must be at least 10'],
    [['-W', '0', 'x'], 'term_width_too_small', 'term width must be at least 10'],
    [['--term-height', '9', 'x'], 'term_height_too_small', 'term height must be at least 10'],
  ])('%j → %s', async (argv, code, message) => {
    const err = await failure(argv);
    expect([err.code, err.message]).toEqual([code, message]);
  });

  it('10 × 10 is the smallest accepted size', async () => {
    expect(await resolve(['-W', '10', '-H', '10', 'x'])).toMatchObject({ termWidth: 10, termHeight: 10 });
  });
});

describe('resolveServerConfig: initial prompt (§2.2.6, §5.8.1)', () => {
  it('`echo "hello agent" | agentapi server -- …` → prompt "hello agent" (§2.4)', async () => {
    const stdin = piped('hello agent\n');
    expect((await resolve(['--', 'agentapi', 'demo-agent', 's.json'], {}, stdin)).initialPrompt).toBe('hello agent');
    expect(stdin.reads).toBe(1);
  });

  it.each<[string, string[], Env, string, string, number]>([
    ['stdin is WS-trimmed', ['x'], {}, ' \t\r\n multi\nline \f\v\n', 'multi\nline', 1],
    ['empty stdin → no prompt', ['x'], {}, '', '', 1],
    ['whitespace-only stdin → no prompt', ['x'], {}, ' \n\t', '', 1],
    ['the flag wins and stdin is not read', ['-I', 'from flag', 'x'], {}, 'from stdin', 'from flag', 0],
    ['the env var wins and stdin is not read', ['x'], { AGENTAPI_INITIAL_PROMPT: 'from env' }, 'from stdin', 'from env', 0],
    ['the flag is WS-trimmed too', ['-I', '  spaced  ', 'x'], {}, 'from stdin', 'spaced', 0],
    ['a blank flag still counts as given', ['-I', '   ', 'x'], {}, 'from stdin', '', 0],
    ['a flag of only "\\n" is empty, so stdin is read', ['-I', '\n', 'x'], {}, 'from stdin', 'from stdin', 1],
  ])('%s', async (_name, argv, env, stdinText, expected, reads) => {
    const stdin = piped(stdinText);
    expect((await resolve(argv, env, stdin)).initialPrompt).toBe(expected);
    expect(stdin.reads).toBe(reads);
  });

  it('a TTY is never read', async () => {
    expect((await resolve(['x'], {}, tty)).initialPrompt).toBe('');
  });

  it('a read error → failed to read stdin: <cause>', async () => {
    const err = await failure(['x'], {}, brokenPipe);
    expect(err.code).toBe('stdin_read_failed');
    expect(err.message).toBe('failed to read stdin: read EIO');
  });

  it('stdinFromStream reports a TTY as one', () => {
    expect(stdinFromStream(Object.assign(Readable.from([]), { isTTY: true })).isTTY).toBe(true);
  });

  it('reads a real stream to its end', async () => {
    const stream = Object.assign(Readable.from([Buffer.from('hello '), Buffer.from('agent\n')]), { isTTY: undefined });
    expect((await resolve(['x'], {}, stdinFromStream(stream))).initialPrompt).toBe('hello agent');
  });
});

describe('resolveServerConfig: state flags (§2.2.5)', () => {
  it.each<[string, string[], Env, boolean, boolean]>([
    ['no state file → both off', ['x'], {}, false, false],
    ['explicit false without a state file is fine', ['--load-state=false', '--save-state=false', 'x'], {}, false, false],
    ['explicit false from env without a state file is fine', ['x'], { AGENTAPI_LOAD_STATE: '0' }, false, false],
    ['a state file turns both on', ['--state-file', 'f', 'x'], {}, true, true],
    ['--state-file f --load-state=false → load off, save on (§2.4)', ['--state-file', 'f', '--load-state=false', 'x'], {}, false, true],
    ['--save-state=false keeps load on', ['-s', 'f', '--save-state=false', 'x'], {}, true, false],
    ['env false counts as explicit', ['-s', 'f', 'x'], { AGENTAPI_SAVE_STATE: 'false' }, true, false],
    ['the flag beats env', ['-s', 'f', '--load-state', 'x'], { AGENTAPI_LOAD_STATE: 'false' }, true, true],
    ['state file from env', ['x'], { AGENTAPI_STATE_FILE: '/s.json' }, true, true],
  ])('%s', async (_name, argv, env, loadState, saveState) => {
    expect(await resolve(argv, env)).toMatchObject({ loadState, saveState });
  });

  it.each<[string[], Env, string, string]>([
    [['--load-state', 'x'], {}, 'load_state_requires_state_file', '--load-state requires --state-file to be set'],
    [['x'], { AGENTAPI_LOAD_STATE: 'true' }, 'load_state_requires_state_file', '--load-state requires --state-file to be set'],
    [['--save-state', 'x'], {}, 'save_state_requires_state_file', '--save-state requires --state-file to be set'],
    [['--save-state', '--load-state', 'x'], {}, 'load_state_requires_state_file', '--load-state requires --state-file to be set'],
    [['--load-state', '--state-file=', 'x'], {}, 'load_state_requires_state_file', '--load-state requires --state-file to be set'],
  ])('%j %j → exact error', async (argv, env, code, message) => {
    const err = await failure(argv, env);
    expect([err.code, err.message]).toEqual([code, message]);
  });
});

describe('resolveServerConfig: ACP (§2.2.7)', () => {
  it('--experimental-acp → the exact message', async () => {
    const err = await failure(['--experimental-acp', 'x']);
    expect(err.code).toBe('acp_unsupported');
    expect(err.message).toBe('ACP transport (--experimental-acp) is not supported by this build');
  });

  it('--experimental-acp=false is fine', async () => {
    await expect(resolve(['--experimental-acp=false', 'x'])).resolves.toBeDefined();
  });
});

describe('resolveServerConfig: allowed hosts and origins (§2.2.9, §2.2.10)', () => {
  it.each<[string[], Env, string | string[]]>([
    [['--allowed-hosts', 'a.com,b.com', 'x'], {}, ['a.com', 'b.com']],
    [['-a', 'a.com', '-a', 'b.com', 'x'], {}, ['a.com', 'b.com']],
    [['x'], { AGENTAPI_ALLOWED_HOSTS: 'a.com\tb.com' }, ['a.com', 'b.com']],
    [['--allowed-hosts', '*,bad host', 'x'], {}, '*'],
    [['-a', 'A.com', '-a', '[::1]', 'x'], {}, ['a.com', '::1']],
  ])('hosts %j %j → %j', async (argv, env, expected) => {
    expect((await resolve(argv, env)).allowedHosts).toEqual(expected);
  });

  it.each<[string[], string | string[]]>([
    [['-o', 'https://app.example.com/path/?q=1#x', 'x'], ['https://app.example.com']],
    [['-o', 'https://*.example.com', 'x'], ['https://*.example.com']],
    [['-o', '*', 'x'], '*'],
  ])('origins %j → %j', async (argv, expected) => {
    expect((await resolve(argv)).allowedOrigins).toEqual(expected);
  });

  it.each<[string[], Env, string, string, string]>([
    [['--allowed-hosts', 'localhost:3284', 'x'], {}, 'invalid_allowed_hosts', 'includes_port',
      "failed to create server: failed to parse allowed hosts: 'localhost:3284' must not include a port"],
    [['--allowed-hosts', 'http://x', 'x'], {}, 'invalid_allowed_hosts', 'includes_scheme',
      "failed to create server: failed to parse allowed hosts: 'http://x' must not include http:// or https://"],
    [['-a', '', 'x'], {}, 'invalid_allowed_hosts', 'empty_list',
      'failed to create server: failed to parse allowed hosts: the list must not be empty'],
    [['x'], { AGENTAPI_ALLOWED_HOSTS: ' ' }, 'invalid_allowed_hosts', 'empty_list',
      'failed to create server: failed to parse allowed hosts: the list must not be empty'],
    [['x'], { AGENTAPI_ALLOWED_HOSTS: 'a.com,b.com' }, 'invalid_allowed_hosts', 'contains_comma',
      "failed to create server: failed to parse allowed hosts: 'a.com,b.com' contains comma characters, which are not allowed"],
    [['-a', 'a.com b.com', 'x'], {}, 'invalid_allowed_hosts', 'contains_whitespace',
      "failed to create server: failed to parse allowed hosts: 'a.com b.com' contains whitespace characters, which are not allowed"],
    [['-o', '', 'x'], {}, 'invalid_allowed_origins', 'empty_list',
      'failed to create server: failed to parse allowed origins: the list must not be empty'],
    [['-o', 'http://a b', 'x'], {}, 'invalid_allowed_origins', 'contains_whitespace',
      "failed to create server: failed to parse allowed origins: 'http://a b' contains whitespace characters, which are not allowed"],
    [['-o', ':3000', 'x'], {}, 'invalid_allowed_origins', 'invalid_origin',
      `failed to create server: failed to parse allowed origins: ':3000' is not a valid origin: parse ":3000": missing protocol scheme`],
  ])('%j %j → %s/%s', async (argv, env, code, causeCode, message) => {
    const err = await failure(argv, env);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(err.cause).toBeInstanceOf(AllowedListError);
    expect((err.cause as AllowedListError).code).toBe(causeCode);
  });
});

describe('resolveServerConfig: validation order (§2.2.8, first failure wins)', () => {
  const faults = {
    type: ['-t', 'bogus'],
    width: ['-W', '9'],
    height: ['-H', '9'],
    load: ['--load-state'],
    save: ['--save-state'],
    acp: ['--experimental-acp'],
    hosts: ['-a', 'h:1'],
    origins: ['-o', ':x'],
  } as const;
  type Fault = keyof typeof faults;
  const order: Fault[] = ['type', 'width', 'height', 'load', 'save', 'acp', 'hosts', 'origins'];
  /** argv with every fault from `first` on, so each row proves `first` is reported before the later ones. */
  const argvFrom = (first: Fault): string[] => [...order.slice(order.indexOf(first)).flatMap((f) => faults[f]), 'x'];

  it.each<[string, string[], StdinSource, string]>([
    ['agent type first', argvFrom('type'), brokenPipe, 'invalid_agent_type'],
    ['then term width', argvFrom('width'), brokenPipe, 'term_width_too_small'],
    ['then term height', argvFrom('height'), brokenPipe, 'term_height_too_small'],
    ['then stdin', argvFrom('load'), brokenPipe, 'stdin_read_failed'],
    ['then load-state', argvFrom('load'), tty, 'load_state_requires_state_file'],
    ['then save-state', argvFrom('save'), tty, 'save_state_requires_state_file'],
    ['then ACP', argvFrom('acp'), tty, 'acp_unsupported'],
    ['then hosts', argvFrom('hosts'), tty, 'invalid_allowed_hosts'],
    ['then origins', argvFrom('origins'), tty, 'invalid_allowed_origins'],
  ])('%s', async (_name, argv, stdin, code) => {
    expect((await failure(argv, {}, stdin)).code).toBe(code);
  });

  it('the stdin is not read when an earlier check fails', async () => {
    const stdin = piped('never');
    await failure(['-W', '9', 'x'], {}, stdin);
    expect(stdin.reads).toBe(0);
  });
});

describe('--exit', () => {
  it('`--exit -- x` parses and validates (the caller exits 0 right after parsing)', async () => {
    expect((await resolve(['--exit', '--', 'x'])).exit).toBe(true);
  });
});
