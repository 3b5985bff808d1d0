// The dashboard's browser session (server.md §3.2, §8.1): the
// `coder_session_token` cookie (HttpOnly, SameSite=Lax, Path=/; Secure when
// the access URL is https), who the cookie belongs to, and where to send a
// browser that has none. The token is checked by the same AuthService as
// every API call; it is never logged, echoed into a page or put in a URL.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { SESSION_TOKEN_COOKIE, type User } from '../../protocol/users.js';
import { AuthError } from '../auth/errors.js';
import { extractSessionToken } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';

/** How long a browser keeps the cookie; the token's own expiry still applies. */
export const SESSION_COOKIE_MAX_AGE_S = 30 * 24 * 60 * 60;

export const DEFAULT_LANDING = '/tasks';

function secure(ctx: ServerContext): boolean {
  return ctx.accessUrl.startsWith('https:');
}

export function setSessionCookie(c: Context, ctx: ServerContext, token: string): void {
  setCookie(c, SESSION_TOKEN_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure(ctx),
    maxAge: SESSION_COOKIE_MAX_AGE_S,
  });
}

export function clearSessionCookie(c: Context, ctx: ServerContext): void {
  deleteCookie(c, SESSION_TOKEN_COOKIE, { path: '/', httpOnly: true, sameSite: 'Lax', secure: secure(ctx) });
}

/** The signed-in user, or undefined when no valid token came (any carrier of §3.2). */
export async function sessionUser(c: Context, ctx: ServerContext): Promise<User | undefined> {
  try {
    return await ctx.auth.authenticate(extractSessionToken(c));
  } catch (err) {
    if (err instanceof AuthError) return undefined;
    throw err;
  }
}

/** True when the request carries a session cookie (valid or not). */
export function hasSessionCookie(c: Context): boolean {
  return getCookie(c, SESSION_TOKEN_COOKIE) !== undefined;
}

/**
 * A post-login destination that stays on this server: a path starting with
 * one `/` (no `//host`, no backslash tricks, no scheme); anything else is the
 * task list.
 */
export function safeNext(raw: string | undefined): string {
  if (raw === undefined || !raw.startsWith('/') || raw.startsWith('//') || /[\\\u0000-\u001f]/.test(raw)) return DEFAULT_LANDING;
  if (raw === '/login' || raw.startsWith('/login?') || raw.startsWith('/logout')) return DEFAULT_LANDING;
  return raw;
}

/** The login page URL that comes back to `pathWithQuery` afterwards. */
export function loginLocation(pathWithQuery: string): string {
  const next = safeNext(pathWithQuery);
  return next === DEFAULT_LANDING ? '/login' : `/login?next=${encodeURIComponent(next)}`;
}
