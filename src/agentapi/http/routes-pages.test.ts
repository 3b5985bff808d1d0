import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { registerPageRoutes } from './routes-pages.js';

function pageApp(chatBasePath: string): Hono {
  const app = new Hono();
  registerPageRoutes(app, { chatBasePath });
  return app;
}

describe('chat routes', () => {
  const app = pageApp('/custom');

  it.each(['/chat', '/chat/', '/chat/embed', '/chat/embed/'])('GET %s serves the chat, still mounted at /chat', async (path) => {
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('window.CHAT_CONFIG = {"basePath":"/custom","apiBase":""');
    expect(html.includes('<header')).toBe(!path.startsWith('/chat/embed'));
  });

  it.each(['/chat/unknown', '/chat/embed/x', '/chat/app.js', '/chat/index.html', '/custom/embed', '/chatx'])(
    'GET %s → 404',
    async (path) => {
      expect((await app.request(path)).status).toBe(404);
    },
  );

  it('GET / redirects to <chat-base-path>/embed', async () => {
    const res = await app.request('/');
    expect(res.status).toBe(307);
    expect(res.headers.get('location')).toBe('/custom/embed');
  });
});
