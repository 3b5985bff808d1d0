// The non-API routes of §3.1.2: the redirect to the chat, the chat page, the
// OpenAPI document (JSON, YAML, per-schema) and the /docs page. All of them
// are static for the life of the process; none may touch the backend.
import type { Hono } from 'hono';
import { stringify as toYaml } from 'yaml';
import { renderChatPage, trimChatBasePath } from '../chat/page.js';
import { renderDocsPage } from './docs-page.js';
import { componentSchema, isSchemaName, openApiDocument, renderOpenApi, sortKeysDeep } from './openapi.js';

export const NOT_FOUND_BODY = '404 page not found\n';

export function notFoundResponse(): Response {
  return new Response(NOT_FOUND_BODY, {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });
}

const html = (body: string): Response =>
  new Response(body, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });

export function registerPageRoutes(app: Hono, config: { chatBasePath: string }): void {
  const base = trimChatBasePath(config.chatBasePath);
  const openApiJson = renderOpenApi();
  const openApiYaml = toYaml(sortKeysDeep(openApiDocument()));
  const chatPage = renderChatPage({ chatBasePath: config.chatBasePath, embed: false });
  const embedPage = renderChatPage({ chatBasePath: config.chatBasePath, embed: true });
  const docsPage = renderDocsPage();

  app.get('/', (c) => c.redirect(`${base}/embed`, 307));

  // The chat stays mounted at /chat whatever --chat-base-path says (§3.11.2).
  for (const path of ['/chat', '/chat/']) app.get(path, () => html(chatPage));
  for (const path of ['/chat/embed', '/chat/embed/']) app.get(path, () => html(embedPage));

  app.get('/openapi.json', () => new Response(openApiJson, { headers: { 'Content-Type': 'application/json' } }));
  app.get('/openapi.yaml', () => new Response(openApiYaml, { headers: { 'Content-Type': 'application/yaml' } }));
  app.get('/schemas/:file', (c) => {
    const file = c.req.param('file');
    const name = file.endsWith('.json') ? file.slice(0, -'.json'.length) : '';
    if (!isSchemaName(name)) return notFoundResponse();
    return new Response(`${JSON.stringify(sortKeysDeep(componentSchema(name)), null, 2)}\n`, {
      headers: { 'Content-Type': 'application/json' },
    });
  });
  app.get('/docs', () => html(docsPage));
}
