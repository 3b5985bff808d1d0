// `taskyard login <url>` (server.md §3.7): verifies a token (`--token` or
// TASKYARD_SESSION_TOKEN) with /api/v2/users/me, or creates the first user
// with `--first-user-username`, then saves `url` and `session` in the config
// dir and prints `Logged in to <url> as <username>.`. It never prints the token.
import type { Command } from 'commander';
import { createFirstUserResponseSchema, userSchema, type User } from '../protocol/users.js';
import { ApiClient, CliError, normalizeUrl, printCliError, saveCredentials } from './api-client.js';

interface LoginFlags {
  token?: string;
  firstUserUsername?: string;
  firstUserEmail?: string;
}

export function registerLoginCommand(program: Command): void {
  program
    .command('login')
    .description('Log in to a taskyard server and save the session for other commands')
    .argument('<url>', 'server URL, e.g. http://127.0.0.1:3000')
    .option('--token <token>', 'session token to verify and save (env TASKYARD_SESSION_TOKEN)')
    .option('--first-user-username <name>', 'create the first user (owner) on a fresh server')
    .option('--first-user-email <email>', 'email of the first user')
    .action(async (url: string, flags: LoginFlags) => {
      process.exitCode = await runLogin(url, flags);
    });
}

export async function runLogin(rawUrl: string, flags: LoginFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const url = normalizeUrl(rawUrl);
    let user: User;
    let token: string;
    if (flags.firstUserUsername !== undefined) {
      if (flags.token !== undefined) throw new CliError('--token and --first-user-username cannot be used together');
      const body = flags.firstUserEmail === undefined ? { username: flags.firstUserUsername } : { username: flags.firstUserUsername, email: flags.firstUserEmail };
      const created = await new ApiClient(url).request('POST', '/api/v2/users/first', createFirstUserResponseSchema, { body });
      ({ user, session_token: token } = created);
    } else {
      const given = flags.token || env.TASKYARD_SESSION_TOKEN;
      if (!given) throw new CliError('--token or --first-user-username is required');
      token = given;
      user = await new ApiClient(url, token).request('GET', '/api/v2/users/me', userSchema);
    }
    saveCredentials({ url, token }, env);
    process.stdout.write(`Logged in to ${url} as ${user.username}.\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    printCliError(err);
    return 1;
  }
}
