// Startup step of server.md §3.3: with zero users and a non-empty
// --first-user-username, create that owner and print its session token line
// to stdout — the only time the token is ever shown. It must never log the
// token, and never print the line when another replica (or an earlier start)
// already created a user.
import type { ServerContext } from '../context.js';
import { AuthError } from './errors.js';

export function firstUserTokenLine(username: string, token: string): string {
  return `First user "${username}" created. Session token: ${token}\n`;
}

export async function createFirstUserOnStart(ctx: ServerContext): Promise<void> {
  const username = ctx.config.firstUserUsername;
  if (username === '') return;
  try {
    const { user, token } = await ctx.auth.createFirstUser({ username });
    ctx.stdout.write(firstUserTokenLine(user.username, token));
    ctx.logger.info({ user_id: user.id, username: user.username }, 'first user created');
  } catch (err) {
    if (err instanceof AuthError && err.code === 'first_user_exists') return;
    throw err;
  }
}
