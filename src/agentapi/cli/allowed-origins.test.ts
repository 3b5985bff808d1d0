import { describe, expect, it } from 'vitest';
import { AllowedListError } from './errors.js';
import { parseAllowedOrigins } from './allowed-origins.js';
import type { AllowedList } from './allowed-hosts.js';

function failure(entries: string[]): AllowedListError {
  try {
    parseAllowedOrigins(entries);
  } catch (err) {
    if (err instanceof AllowedListError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(entries)} to fail`);
}

describe('parseAllowedOrigins: normalisation to scheme://host[:port]', () => {
  it.each<[string[], AllowedList]>([
    [['http://localhost:3284', 'http://localhost:3000', 'http://localhost:3001'],
      ['http://localhost:3284', 'http://localhost:3000', 'http://localhost:3001']],
    [['https://example.com/'], ['https://example.com']],
    [['https://example.com/app/index.html'], ['https://example.com']],
    [['https://example.com?x=1'], ['https://example.com']],
    [['https://example.com#top'], ['https://example.com']],
    [['https://example.com:8443/a/b?c=d#e'], ['https://example.com:8443']],
    [['https://user:pw@example.com'], ['https://example.com']],
    [['HTTPS://Example.COM'], ['https://example.com']],
    [['https://*.example.com'], ['https://*.example.com']],
    [['https://*.example.com/path'], ['https://*.example.com']],
    [['http://[::1]:3000'], ['http://[::1]:3000']],
    [['http://localhost:'], ['http://localhost:']],
    // Accepted like upstream although no browser sends these origins.
    [['localhost:3000'], ['localhost://']],
    [['example.com'], ['://']],
    [['*'], '*'],
    [['http://a', '*', 'not an origin'], '*'],
  ])('%j → %j', (entries, expected) => {
    expect(parseAllowedOrigins(entries)).toEqual(expected);
  });
});

describe('parseAllowedOrigins: errors (§2.2.10)', () => {
  it.each<[string, string[], string, string]>([
    ['empty list', [], 'empty_list', 'the list must not be empty'],
    ['whitespace', ['http://a http://b'], 'contains_whitespace', "'http://a http://b' contains whitespace characters, which are not allowed"],
    ['comma', ['http://a,http://b'], 'contains_comma', "'http://a,http://b' contains comma characters, which are not allowed"],
    ['missing scheme', [':3000'], 'invalid_origin', `':3000' is not a valid origin: parse ":3000": missing protocol scheme`],
    ['bad port', ['http://host:abc'], 'invalid_origin', `'http://host:abc' is not a valid origin: parse "http://host:abc": invalid port ":abc" after host`],
    ['missing bracket', ['http://[::1'], 'invalid_origin', `'http://[::1' is not a valid origin: parse "http://[::1": missing ']' in host`],
    ['bad host character', ['http://a{b}'], 'invalid_origin', `'http://a{b}' is not a valid origin: parse "http://a{b}": invalid character "{" in host name`],
    ['bad escape', ['http://a%zz'], 'invalid_origin', `'http://a%zz' is not a valid origin: parse "http://a%zz": invalid URL escape "%zz"`],
    ['colon in a relative first segment', ['1a:b'], 'invalid_origin',
      `'1a:b' is not a valid origin: parse "1a:b": first path segment in URL cannot contain colon`],
    ['control character', ['http://a\x7f'], 'invalid_origin',
      `'http://a\x7f' is not a valid origin: parse "http://a\\x7f": net/url: invalid control character in URL`],
  ])('%s', (_name, entries, code, message) => {
    const err = failure(entries);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it('checks whitespace over the whole list before commas, and both before parsing', () => {
    expect(failure(['http://a,b', 'http://c d']).code).toBe('contains_whitespace');
    expect(failure([':bad', 'http://a,b']).code).toBe('contains_comma');
  });
});
