// The dashboard's sign-in and sign-out (server.md §8.1): `GET /login` shows
// the token form; `POST /login` checks the token with the same AuthService
// as the API and, when valid, sets the session cookie and redirects (303) to
// the page the browser came from; a wrong token gets the login page again
// with the API's plain message and its 4xx status. `POST /logout` clears the
// cookie. Both posts must come from our own pages (guards.ts). The token
// never appears in a response, a URL or a log line.
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { App } from '../api/env.js';
import { AuthError } from '../auth/errors.js';
import type { ServerContext } from '../context.js';
import { sameOriginForm } from './guards.js';
import { renderLoginPage } from './pages.js';
import { clearSessionCookie, safeNext, setSessionCookie } from './session.js';

const LOGIN_FORM_LIMIT_BYTES = 16 * 1024;

const loginFormSchema = z.object({
  token: z.string().max(1024).optional(),
  next: z.string().max(4096).optional(),
});

export function registerLoginRoutes(app: App, ctx: ServerContext): void {
  const sameOrigin = sameOriginForm(ctx);
  app.get('/login', (c) => c.html(renderLoginPage({ next: safeNext(c.req.query('next')) })));

  app.post(
    '/login',
    sameOrigin,
    bodyLimit({ maxSize: LOGIN_FORM_LIMIT_BYTES, onError: (c) => c.html(renderLoginPage({ next: '/tasks', error: 'The form is too large.' }), 413) }),
    async (c) => {
      const form = loginFormSchema.safeParse(await c.req.parseBody());
      if (!form.success) return c.html(renderLoginPage({ next: '/tasks', error: 'The form could not be read.' }), 400);
      const next = safeNext(form.data.next);
      const token = (form.data.token ?? '').trim();
      try {
        await ctx.auth.authenticate(token);
      } catch (err) {
        if (err instanceof AuthError) return c.html(renderLoginPage({ next, error: err.message }), err.status);
        throw err;
      }
      setSessionCookie(c, ctx, token);
      return c.redirect(next, 303);
    },
  );

  app.post('/logout', sameOrigin, (c) => {
    clearSessionCookie(c, ctx);
    return c.redirect('/login', 303);
  });
}
