import { describe, expect, it } from 'vitest';
import { CHAT_CLIENT_SCRIPT } from './client-script.js';
import { chatApiBase, chatConfig, renderChatPage, trimChatBasePath } from './page.js';
import { CHAT_STYLES } from './styles.js';

const BASE_PATHS = ['/chat', '/chat/', '/custom', '/proxy/agent/chat/', '/a/b/chat//'];

/** Every URL-carrying attribute value in the markup. */
function attributeUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src|action|formaction|poster|srcset|data)\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
}

/** The JSON config the page hands to its script. */
function inlinedConfig(html: string): unknown {
  const match = /window\.CHAT_CONFIG = (\{[^<]*\});/.exec(html);
  if (!match) throw new Error('no CHAT_CONFIG in the page');
  return JSON.parse(match[1]!);
}

describe.each([false, true])('the chat page (embed: %s)', (embed) => {
  const page = renderChatPage({ chatBasePath: '/chat', embed });

  it('is self-contained: no http(s) URL, no external script, style, font or image', () => {
    expect(page).not.toMatch(/https?:/i);
    expect(page).not.toMatch(/<script[^>]*\ssrc=/i);
    expect(page).not.toMatch(/<link[^>]*rel="?stylesheet/i);
    expect(page).not.toMatch(/<(?:img|iframe|object|embed|video|audio|source)\b/i);
    expect(CHAT_STYLES).not.toMatch(/url\(|@import|@font-face/i);
    expect(page).toContain(CHAT_CLIENT_SCRIPT);
  });

  it('has the controls of §3.11.1, labelled, with live regions for status and toasts', () => {
    for (const id of ['draft', 'control-input']) expect(page).toMatch(new RegExp(`<label for="${id}"[^>]*>[^<]+</label>`));
    expect(page).toMatch(/<textarea id="draft"[^>]*disabled/);
    expect(page).toMatch(/<button id="interrupt"[^>]*hidden>Interrupt</);
    expect(page).toMatch(/<input id="control-mode" type="checkbox" role="switch">/);
    expect(page).toMatch(/<input id="file" type="file"/);
    expect(page).toMatch(/<span id="status"[^>]*aria-live="polite"/);
    expect(page).toMatch(/<div id="toasts"[^>]*aria-live="assertive"/);
    expect(page).toMatch(/<div id="messages"[^>]*role="log"/);
  });

  it('has a header only when it is the full page', () => {
    expect(page.includes('<header')).toBe(!embed);
  });
});

describe('--chat-base-path', () => {
  it.each(BASE_PATHS)('%j prefixes every URL in the page; the API is its parent', (chatBasePath) => {
    const prefix = trimChatBasePath(chatBasePath);
    for (const embed of [false, true]) {
      const page = renderChatPage({ chatBasePath, embed });
      for (const url of attributeUrls(page)) {
        if (url.startsWith('data:')) continue;
        expect(url.startsWith(`${prefix}/`), `${url} under ${prefix}/`).toBe(true);
      }
      expect(inlinedConfig(page)).toEqual({ basePath: prefix, apiBase: chatApiBase(chatBasePath), embed });
    }
  });

  it('the embed page links to the full page under the base path', () => {
    const page = renderChatPage({ chatBasePath: '/proxy/agent/chat/', embed: true });
    expect(attributeUrls(page)).toEqual(['data:,', '/proxy/agent/chat/']);
  });

  it.each([
    ['/chat', { basePath: '/chat', apiBase: '' }],
    ['/custom', { basePath: '/custom', apiBase: '' }],
    ['/', { basePath: '', apiBase: '' }],
    ['/proxy/agent/chat/', { basePath: '/proxy/agent/chat', apiBase: '/proxy/agent' }],
  ])('chatConfig(%j)', (chatBasePath, expected) => {
    expect(chatConfig({ chatBasePath, embed: true })).toEqual({ ...expected, embed: true });
  });

  it('a host may name the API explicitly (a proxied AgentAPI); its trailing slash is trimmed', () => {
    const apiBase = '/api/v2/tasks/admin/t1/agentapi/';
    expect(chatConfig({ chatBasePath: '/tasks/admin/t1/chat', embed: true, apiBase })).toEqual({
      basePath: '/tasks/admin/t1/chat',
      apiBase: '/api/v2/tasks/admin/t1/agentapi',
      embed: true,
    });
    expect(inlinedConfig(renderChatPage({ chatBasePath: '/tasks/admin/t1/chat', embed: false, apiBase }))).toMatchObject({ apiBase: '/api/v2/tasks/admin/t1/agentapi' });
  });

  it('a hostile base path cannot break out of the inline config or the link', () => {
    const chatBasePath = '/x"></a><script>alert(1)</script>/chat';
    const page = renderChatPage({ chatBasePath, embed: true });
    expect(page).not.toContain('<script>alert(1)');
    expect(page).not.toContain('"></a>');
    expect(inlinedConfig(page)).toMatchObject({ basePath: chatBasePath });
  });
});
