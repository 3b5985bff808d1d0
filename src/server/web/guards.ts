// Browser-facing protections of the dashboard: response headers that keep
// its pages out of other sites' frames (the Pause button must not be
// clickjacked; the task chat iframe is same-origin and still allowed) and a
// same-origin check for its form posts (sign-in and sign-out must not be
// triggerable from another site). Applies to dashboard paths only, never to
// /api (API clients are not browsers on a page of ours).
import type { MiddlewareHandler } from 'hono';
import type { ServerContext } from '../context.js';
import { renderLoginPage } from './pages.js';

export function pageHeaders(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.header('X-Frame-Options', 'SAMEORIGIN');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Content-Type-Options', 'nosniff');
  };
}

/** The host (with port) of a URL, or undefined when it is not one. */
function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Refuses (403) a POST whose Origin names another site: the request's Host
 * and the access URL's host count as ours. Requests without Origin (curl,
 * old clients) pass; browsers always send it on form posts.
 */
export function sameOriginForm(ctx: ServerContext): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('Origin');
    if (origin !== undefined) {
      const host = hostOf(origin);
      const ours = [c.req.header('Host')?.toLowerCase(), hostOf(ctx.accessUrl)];
      if (host === undefined || !ours.includes(host)) {
        return c.html(renderLoginPage({ next: '/tasks', error: 'Cross-site form submissions are refused.' }), 403);
      }
    }
    await next();
  };
}
