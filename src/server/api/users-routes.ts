// User and API-key endpoints (server.md §3.3, §3.4): first user, me, create
// user (owners), get user, create/delete API keys. `{user}` = me, username or
// UUID; a member naming anyone else gets the same 404 as for a missing user.
// Handlers validate input with the shared zod schemas and never log tokens.
import { z } from 'zod';
import { createFirstUserRequestSchema, createUserRequestSchema, type CreateApiKeyResponse, type CreateFirstUserResponse, type User } from '../../protocol/users.js';
import { requireOwner, requireUser } from '../auth/middleware.js';
import type { ServerContext } from '../context.js';
import type { App } from './env.js';
import { notFound, readJson } from './errors.js';

/** Key ids are 10 alphanumerics; anything else cannot exist. */
const keyIdSchema = z.string().regex(/^[a-zA-Z0-9]{10}$/);

export function registerUsersRoutes(app: App, ctx: ServerContext): void {
  const authenticated = requireUser(ctx);

  const targetUser = async (param: string, actor: User): Promise<User> => {
    const user = await ctx.auth.resolveUser(param, actor);
    if (!user) throw notFound();
    return user;
  };

  app.post('/api/v2/users/first', async (c) => {
    const body = await readJson(c, createFirstUserRequestSchema);
    const { user, token } = await ctx.auth.createFirstUser(body);
    ctx.logger.info({ user_id: user.id, username: user.username }, 'first user created');
    const response: CreateFirstUserResponse = { user, session_token: token };
    return c.json(response, 201);
  });

  app.get('/api/v2/users/me', authenticated, (c) => c.json(c.get('user')));

  app.post('/api/v2/users', authenticated, requireOwner(), async (c) => {
    const body = await readJson(c, createUserRequestSchema);
    const user = await ctx.auth.createUser(body);
    ctx.logger.info({ user_id: user.id, username: user.username, role: user.role }, 'user created');
    return c.json(user, 201);
  });

  app.get('/api/v2/users/:user', authenticated, async (c) => c.json(await targetUser(c.req.param('user'), c.get('user'))));

  app.post('/api/v2/users/:user/keys', authenticated, async (c) => {
    const user = await targetUser(c.req.param('user'), c.get('user'));
    const response: CreateApiKeyResponse = { key: await ctx.auth.createApiKey(user.id, 'api') };
    return c.json(response, 201);
  });

  app.delete('/api/v2/users/:user/keys/:id', authenticated, async (c) => {
    const user = await targetUser(c.req.param('user'), c.get('user'));
    const id = keyIdSchema.safeParse(c.req.param('id'));
    if (!id.success || !(await ctx.auth.deleteApiKey(user.id, id.data))) throw notFound();
    return c.body(null, 204);
  });
}
