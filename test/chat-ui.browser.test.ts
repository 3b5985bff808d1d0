// The chat UI (§3.11) in a real browser: Debian's Chromium driven by
// playwright-core against the real agentapi bin with the demo agent. It
// checks what a user sees and does (send, status, interrupt, error toasts,
// upload, control mode, reconnect) and that a --chat-base-path behind a
// path-prefixing proxy still works. Screenshots go to test-artifacts/.
// Without /usr/bin/chromium the suite is skipped with a warning, never passed.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgent, PROJECT_ROOT, startAgentApi, stopAllAgentApis, type AgentApiProcess } from './helpers/agentapi-process.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = path.join(PROJECT_ROOT, 'test-artifacts');
// Without these flags a headless Chromium on a machine with no network keeps
// trying to reach Google services and floods the log with refused connections.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const UI_TIMEOUT = 15_000;

if (!HAVE_CHROMIUM) {
  console.warn(`chat-ui.browser.test: SKIPPED — ${CHROMIUM} not found (apt-get install -y chromium); the chat UI was not tested in a browser`);
}

/** A reverse proxy that serves `<prefix>/*` from the agentapi's `/chat/*` and passes every other path through. */
interface PathProxy {
  port: number;
  /** Ends every proxied `/events` stream, as a restarting proxy would. */
  dropEventStreams(): void;
  close(): Promise<void>;
}

async function startPathProxy(targetPort: number, prefix: string): Promise<PathProxy> {
  const streams = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const underPrefix = url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`);
    const upstreamPath = underPrefix ? `/chat${url.slice(prefix.length)}` : url;
    const upstream = httpRequest(
      { host: '127.0.0.1', port: targetPort, method: req.method, path: upstreamPath, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    if (upstreamPath.startsWith('/events')) {
      const drop = (): void => {
        upstream.destroy();
        res.destroy();
      };
      streams.add(drop);
      res.on('close', () => streams.delete(drop));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');
  return {
    port: address.port,
    dropEventStreams: () => {
      for (const drop of [...streams]) drop();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The agent message bubble whose text has a line that reads exactly `line` (raw input lands inside the last agent message). */
function agentMessage(page: Page, line: string) {
  const escaped = line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return page.locator('.msg.agent .body').filter({ hasText: new RegExp(`(^|\\n)\\s*${escaped}[ \\t]*($|\\n)`) });
}

async function waitForStatus(page: Page, status: string): Promise<void> {
  await page.locator(`#status[data-status="${status}"]`).waitFor({ timeout: UI_TIMEOUT });
}

/** POST /message bodies the page sent, in order. */
function recordMessagePosts(page: Page): { type: string; content: string }[] {
  const posts: { type: string; content: string }[] = [];
  page.on('request', (req: Request) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname.endsWith('/message')) {
      posts.push(JSON.parse(req.postData() ?? '{}') as { type: string; content: string });
    }
  });
  return posts;
}

describe.skipIf(!HAVE_CHROMIUM)('chat UI in Chromium', () => {
  let context: BrowserContext;
  let profileDir: string;
  let server: AgentApiProcess;
  let customServer: AgentApiProcess;
  let proxy: PathProxy | undefined;
  let page: Page;
  let posts: { type: string; content: string }[];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    profileDir = mkdtempSync(path.join(tmpdir(), 'taskyard-chromium-'));
    // The demo agent thinks for 3 s per message, so `running` is observable.
    server = startAgentApi({ agent: demoAgent('--think-ms', '3000') });
    customServer = startAgentApi({ flags: ['--chat-base-path', '/custom'] });
    // launchPersistentContext is how Playwright takes our own fresh --user-data-dir.
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 900, height: 640 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`));
    posts = recordMessagePosts(page);
    await Promise.all([server.waitForStatus('stable'), customServer.waitForStatus('stable')]);
  });

  afterAll(async () => {
    await context?.close();
    await proxy?.close();
    await stopAllAgentApis();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  });

  it('GET / redirects to /chat/embed, which connects and shows the greeting', async () => {
    await page.goto(await server.url('/'));
    expect(new URL(page.url()).pathname).toBe('/chat/embed');
    await waitForStatus(page, 'stable');
    await page.locator('.msg.agent', { hasText: "I'm the taskyard demo agent" }).waitFor({ timeout: UI_TIMEOUT });
    expect(await page.locator('#status-text').textContent()).toBe('stable');
    expect(await page.locator('#agent-type').textContent()).toBe('custom');
    expect(await page.locator('#draft').isEnabled()).toBe(true);
    expect(await page.locator('#interrupt').isVisible()).toBe(false);
    expect(await page.locator('header').count()).toBe(0);
  });

  it('typing + Enter sends; while running the send box is disabled and Interrupt shows; then the echo arrives', async () => {
    const draft = page.locator('#draft');
    await draft.click();
    await page.keyboard.type('hello from the browser');
    await page.keyboard.press('Shift+Enter');
    expect(await draft.inputValue()).toBe('hello from the browser\n');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Enter');

    await waitForStatus(page, 'running');
    expect(await page.locator('#status-text').textContent()).toBe('running');
    expect(await draft.isDisabled()).toBe(true);
    expect(await page.locator('#send').isDisabled()).toBe(true);
    expect(await page.locator('#interrupt').isVisible()).toBe(true);
    await page.locator('.msg.user .body', { hasText: 'hello from the browser' }).waitFor({ timeout: UI_TIMEOUT });
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ui-running.png') });

    await waitForStatus(page, 'stable');
    await agentMessage(page, 'Echo: hello from the browser').waitFor({ timeout: UI_TIMEOUT });
    expect(await draft.isEnabled()).toBe(true);
    expect(await draft.inputValue()).toBe('');
    expect(await page.locator('#interrupt').isVisible()).toBe(false);
    expect(posts.at(-1)).toEqual({ type: 'user', content: 'hello from the browser' });
    // Agent text is monospace and keeps its line breaks; user text looks different.
    // (tsconfig has no DOM lib: reach the window through the node itself.)
    const agentStyle = await agentMessage(page, 'Echo: hello from the browser').evaluate((node) => {
      const style = node.ownerDocument.defaultView!.getComputedStyle(node);
      return { whiteSpace: style.whiteSpace, font: style.fontFamily };
    });
    expect(agentStyle.whiteSpace).toBe('pre-wrap');
    expect(agentStyle.font).toMatch(/monospace/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ui.png') });
  });

  it('a problem+json error becomes a toast with its title, detail and every error message', async () => {
    // Corrupt the next send so the real server answers 422 (§3.6.2).
    await page.route('**/message', (route) => route.continue({ postData: '{"content":"x","type":"shout","extra":1}' }), { times: 1 });
    await page.locator('#draft').fill('this one fails');
    await page.keyboard.press('Enter');
    const toast = page.locator('.toast.error');
    await toast.waitFor({ timeout: UI_TIMEOUT });
    const text = await toast.textContent();
    expect(text).toContain('Unprocessable Entity');
    expect(text).toContain('validation failed');
    expect(text).toContain('unexpected property (body.extra)');
    expect(text).toMatch(/expected value to be one of/);
    expect(await page.locator('#draft').inputValue()).toBe('this one fails');
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ui-toast.png') });
    await toast.getByRole('button', { name: 'Dismiss notification' }).click();
    expect(await page.locator('.toast').count()).toBe(0);
    await page.locator('#draft').fill('');
  });

  it('the file picker uploads and appends @"<filePath>" to the draft', async () => {
    await page.locator('#draft').fill('please read');
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('uploaded from chromium\n') });
    await page.waitForFunction(`document.getElementById('draft').value.includes('notes.txt"')`, undefined, { timeout: UI_TIMEOUT });
    const value = await page.locator('#draft').inputValue();
    const match = /^please read @"(\/[^"]+\/notes\.txt)"$/.exec(value);
    expect(match, value).not.toBeNull();
    expect(readFileSync(match![1]!, 'utf8')).toBe('uploaded from chromium\n');
    expect(await page.locator('#uploads .chip').count()).toBe(0);
    await page.locator('#draft').fill('');
  });

  it('dropping a file on the page uploads it too', async () => {
    const dataTransfer = await page.evaluateHandle(
      `(() => { const dt = new DataTransfer(); dt.items.add(new File(['dropped\\n'], 'dropped.txt', { type: 'text/plain' })); return dt; })()`,
    );
    await page.dispatchEvent('#messages', 'dragenter', { dataTransfer });
    expect(await page.locator('#drop-overlay').isVisible()).toBe(true);
    await page.dispatchEvent('#messages', 'drop', { dataTransfer });
    expect(await page.locator('#drop-overlay').isVisible()).toBe(false);
    await page.waitForFunction(`document.getElementById('draft').value.includes('dropped.txt"')`, undefined, { timeout: UI_TIMEOUT });
    const match = /^ @"(\/[^"]+\/dropped\.txt)"$/.exec(await page.locator('#draft').inputValue());
    expect(match).not.toBeNull();
    expect(readFileSync(match![1]!, 'utf8')).toBe('dropped\n');
    await page.locator('#draft').fill('');
  });

  it('control mode sends every key press raw: `hi` + Enter makes the agent echo it', async () => {
    await page.locator('#control-mode').check();
    expect(await page.locator('#draft').isVisible()).toBe(false);
    expect(await page.locator('#send').isVisible()).toBe(false);
    const input = page.locator('#control-input');
    expect(await input.evaluate((node) => node === node.ownerDocument.activeElement)).toBe(true);
    const before = posts.length;
    await page.keyboard.type('hi');
    await page.keyboard.press('Enter');
    await agentMessage(page, 'Echo: hi').waitFor({ timeout: UI_TIMEOUT });
    const sent = posts.slice(before);
    expect(sent.every((p) => p.type === 'raw')).toBe(true);
    expect(sent.map((p) => p.content).join('')).toBe('hi\r');
    expect(await input.inputValue()).toBe('');
    expect(await page.locator('#control-keys').textContent()).toBe('Sent: h i \u23ce');
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat-ui-control-mode.png') });
    await waitForStatus(page, 'stable');
    await page.locator('#control-mode').uncheck();
    expect(await page.locator('#draft').isVisible()).toBe(true);
  });

  // Last on this server: the demo agent keeps the ESC in its line buffer.
  it('Interrupt sends a raw ESC while the agent is thinking', async () => {
    await page.locator('#draft').fill('think hard');
    await page.keyboard.press('Enter');
    await waitForStatus(page, 'running');
    const interrupt = page.waitForResponse(
      (res) => res.url().endsWith('/message') && res.request().postData() === JSON.stringify({ content: '\x1b', type: 'raw' }),
    );
    await page.locator('#interrupt').click();
    expect((await interrupt).status()).toBe(200);
    await waitForStatus(page, 'stable');
    await agentMessage(page, 'Echo: think hard').waitFor({ timeout: UI_TIMEOUT });
  });

  it('the full page at /chat/ has a header and the same conversation', async () => {
    const full = await context.newPage();
    try {
      await full.goto(await server.url('/chat/'));
      await waitForStatus(full, 'stable');
      expect(await full.locator('header h1').textContent()).toBe('AgentAPI chat');
      await agentMessage(full, 'Echo: hi').waitFor({ timeout: UI_TIMEOUT });
      await full.screenshot({ path: path.join(ARTIFACTS, 'chat-ui-full.png') });
      await full.emulateMedia({ colorScheme: 'dark' });
      await full.screenshot({ path: path.join(ARTIFACTS, 'chat-ui-full-dark.png') });
    } finally {
      await full.close();
    }
  });

  it('--chat-base-path /custom works behind a proxy, and the page reconnects after the stream drops', async () => {
    proxy = await startPathProxy(await customServer.port(), '/custom');
    const proxied = await context.newPage();
    proxied.on('pageerror', (err) => pageErrors.push(`${err.name}: ${err.message}`));
    const paths: string[] = [];
    proxied.on('request', (req) => paths.push(new URL(req.url()).pathname));
    try {
      await proxied.goto(`http://127.0.0.1:${proxy.port}/`);
      expect(new URL(proxied.url()).pathname).toBe('/custom/embed');
      await waitForStatus(proxied, 'stable');
      expect(await proxied.locator('#full-link').getAttribute('href')).toBe('/custom/');
      await proxied.locator('#draft').fill('via the proxy');
      await proxied.keyboard.press('Enter');
      await agentMessage(proxied, 'Echo: via the proxy').waitFor({ timeout: UI_TIMEOUT });
      await waitForStatus(proxied, 'stable');
      // Page files under the base path; the API at its parent (here the root).
      for (const p of paths) expect(['/', '/custom/embed', '/events', '/message']).toContain(p);
      const count = await proxied.locator('.msg').count();
      expect(count).toBe(3);

      proxy.dropEventStreams();
      await waitForStatus(proxied, 'offline');
      expect(await proxied.locator('#draft').isDisabled()).toBe(true);
      await waitForStatus(proxied, 'stable');
      // The list was reset and rebuilt from the replay: nothing doubled.
      await agentMessage(proxied, 'Echo: via the proxy').waitFor({ timeout: UI_TIMEOUT });
      expect(await proxied.locator('.msg').count()).toBe(count);
      await proxied.screenshot({ path: path.join(ARTIFACTS, 'chat-ui-custom-base-path.png') });
    } finally {
      await proxied.close();
    }
  });

  it('the page raised no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
