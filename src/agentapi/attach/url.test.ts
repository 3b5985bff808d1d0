import { describe, expect, it } from 'vitest';
import { DEFAULT_ATTACH_URL, attachEndpoint, normalizeAttachUrl } from './url.js';

describe('normalizeAttachUrl', () => {
  it.each([
    ['default', DEFAULT_ATTACH_URL, 'http://localhost:3284'],
    ['host:port gets http://', '127.0.0.1:4000', 'http://127.0.0.1:4000'],
    ['http kept', 'http://example.com:3284', 'http://example.com:3284'],
    ['https kept', 'https://example.com', 'https://example.com'],
    ['trailing slash trimmed', 'http://localhost:3284/', 'http://localhost:3284'],
    ['several trailing slashes trimmed', 'localhost:3284///', 'http://localhost:3284'],
    ['path prefix kept', 'https://coder.example.com/@me/ws/apps/claude/', 'https://coder.example.com/@me/ws/apps/claude'],
    ['path prefix without scheme', 'localhost:3284/prefix', 'http://localhost:3284/prefix'],
    // Upstream only checks the prefix `http`, so a host named http… is taken as a URL as given.
    ['upstream prefix rule: httpbin.org is not prefixed', 'httpbin.org', 'httpbin.org'],
    ['IPv6 literal', '[::1]:3284', 'http://[::1]:3284'],
  ])('%s: %j → %j', (_name, input, expected) => {
    expect(normalizeAttachUrl(input)).toBe(expected);
  });
});

describe('attachEndpoint', () => {
  it('appends the path to the base, keeping a prefix', () => {
    expect(attachEndpoint('http://h/p', '/internal/screen')).toBe('http://h/p/internal/screen');
  });
});
