import { describe, expect, it } from 'vitest';
import { GoUrlError, hostnameOf, parseGoUrl, portOf } from './allowed-hosts-url.js';

describe('parseGoUrl (Go net/url.Parse subset)', () => {
  it.each<[string, { scheme: string; host: string }]>([
    ['http://a.com', { scheme: 'http', host: 'a.com' }],
    ['HTTP://A.com:80/x', { scheme: 'http', host: 'A.com:80' }],
    ['https://u:p@h:1?q#f', { scheme: 'https', host: 'h:1' }],
    ['http://[fe80::1%25eth0]:8080', { scheme: 'http', host: '[fe80::1%eth0]:8080' }],
    ['http://%C3%A9', { scheme: 'http', host: 'é' }],
    ['mailto:x@y', { scheme: 'mailto', host: '' }],
    ['//a.com/x', { scheme: '', host: 'a.com' }],
    ['///a.com', { scheme: '', host: '' }],
    ['/just/a/path', { scheme: '', host: '' }],
    ['http://a.com?', { scheme: 'http', host: 'a.com' }],
    ['http://', { scheme: 'http', host: '' }],
    ['*', { scheme: '', host: '' }],
  ])('%j → %j', (raw, expected) => {
    expect(parseGoUrl(raw)).toEqual(expected);
  });

  it.each([
    ['http://a b', 'parse "http://a b": invalid character " " in host name'],
    ['http://a\nb', 'parse "http://a\\nb": net/url: invalid control character in URL'],
    ['http://a/%zz#ok', 'parse "http://a/%zz": invalid URL escape "%zz"'],
    ['http://a/#%z', 'parse "http://a/#%z": invalid URL escape "%z"'],
    ['http://[fe80::1%25%00]', 'parse "http://[fe80::1%25%00]": invalid URL escape "%00"'],
    ['http://u%zz@a', 'parse "http://u%zz@a": invalid URL escape "%zz"'],
    ['http://u:%zz@a', 'parse "http://u:%zz@a": invalid URL escape "%zz"'],
  ])('%j → %s', (raw, message) => {
    expect(() => parseGoUrl(raw)).toThrow(GoUrlError);
    expect(() => parseGoUrl(raw)).toThrow(message);
  });
});

describe('portOf / hostnameOf (url.URL.Port / Hostname)', () => {
  it.each([
    ['a.com', 'a.com', ''],
    ['a.com:80', 'a.com', '80'],
    ['a.com:', 'a.com', ''],
    ['[::1]', '::1', ''],
    ['[::1]:80', '::1', '80'],
    ['::1', ':', '1'],
    ['a.com:x', 'a.com:x', ''],
  ])('%j → hostname %j, port %j', (host, hostname, port) => {
    expect(hostnameOf(host)).toBe(hostname);
    expect(portOf(host)).toBe(port);
  });
});
