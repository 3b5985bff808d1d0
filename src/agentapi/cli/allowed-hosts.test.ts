import { describe, expect, it } from 'vitest';
import { AllowedListError } from './errors.js';
import { parseAllowedHosts, type AllowedList } from './allowed-hosts.js';

function failure(entries: string[]): AllowedListError {
  try {
    parseAllowedHosts(entries);
  } catch (err) {
    if (err instanceof AllowedListError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(entries)} to fail`);
}

describe('parseAllowedHosts: accepted lists and their stored form', () => {
  it.each<[string[], AllowedList]>([
    [['localhost', '127.0.0.1', '[::1]'], ['localhost', '127.0.0.1', '::1']],
    [['a.com', 'b.com'], ['a.com', 'b.com']],
    [['Example.COM'], ['example.com']],
    [['[::1]'], ['::1']],
    [['[FE80::1%25en0]'], ['fe80::1%en0']],
    [['[::ffff:1.2.3.4]'], ['::ffff:1.2.3.4']],
    [['localhost:'], ['localhost']],
    [['a.com/path?q#f'], ['a.com']],
    [['user:pw@a.com'], ['a.com']],
    [['%C3%A9.example'], ['é.example']],
    [['Ü.example'], ['ü.example']],
    [['under_score.local'], ['under_score.local']],
    [['trailing.dot.'], ['trailing.dot.']],
    [['*'], '*'],
    [['a.com', '*'], '*'],
    [['*', 'bad host'], '*'],
    [['*', 'localhost:3284', 'http://x', ''], '*'],
  ])('%j → %j', (entries, expected) => {
    expect(parseAllowedHosts(entries)).toEqual(expected);
  });
});

describe('parseAllowedHosts: errors (§2.2.9)', () => {
  it.each<[string, string[], string, string]>([
    ['empty list', [], 'empty_list', 'the list must not be empty'],
    ['space', ['a.com b.com'], 'contains_whitespace', "'a.com b.com' contains whitespace characters, which are not allowed"],
    ['tab', ['a.com\tb.com'], 'contains_whitespace', "'a.com\tb.com' contains whitespace characters, which are not allowed"],
    ['newline', ['a.com\n'], 'contains_whitespace', "'a.com\n' contains whitespace characters, which are not allowed"],
    ['no-break space', ['a\u00a0b'], 'contains_whitespace', "'a\u00a0b' contains whitespace characters, which are not allowed"],
    ['comma', ['a.com,b.com'], 'contains_comma', "'a.com,b.com' contains comma characters, which are not allowed"],
    ['http scheme', ['http://x'], 'includes_scheme', "'http://x' must not include http:// or https://"],
    ['https scheme anywhere', ['x.https://y'], 'includes_scheme', "'x.https://y' must not include http:// or https://"],
    ['port', ['localhost:3284'], 'includes_port', "'localhost:3284' must not include a port"],
    ['port reported as the parsed host', ['localhost:3284/x'], 'includes_port', "'localhost:3284' must not include a port"],
    ['bracketed IPv6 with port', ['[::1]:80'], 'includes_port', "'[::1]:80' must not include a port"],
    ['unbracketed IPv6', ['::1'], 'includes_port', "'::1' must not include a port"],
    ['unbracketed IPv6 ending in hex', ['fe80::1:abcd'], 'invalid_host',
      `'fe80::1:abcd' is not a valid host: parse "http://fe80::1:abcd": invalid port ":abcd" after host`],
    ['non-numeric port', ['host:abc'], 'invalid_host', `'host:abc' is not a valid host: parse "http://host:abc": invalid port ":abc" after host`],
    ['bad character', ['a{b'], 'invalid_host', `'a{b' is not a valid host: parse "http://a{b": invalid character "{" in host name`],
    ['bad escape', ['a%zz'], 'invalid_host', `'a%zz' is not a valid host: parse "http://a%zz": invalid URL escape "%zz"`],
    ['escaped ASCII', ['%41.com'], 'invalid_host', `'%41.com' is not a valid host: parse "http://%41.com": invalid URL escape "%41"`],
    ['missing bracket', ['[::1'], 'invalid_host', `'[::1' is not a valid host: parse "http://[::1": missing ']' in host`],
    ['bracketed non-IP', ['[localhost]'], 'invalid_host',
      `'[localhost]' is not a valid host: parse "http://[localhost]": invalid host: ParseAddr("localhost"): unable to parse IP`],
    ['bracketed IPv4', ['[127.0.0.1]'], 'invalid_host', `'[127.0.0.1]' is not a valid host: parse "http://[127.0.0.1]": invalid IP-literal`],
    ['bracket inside', ['a[::1]'], 'invalid_host', `'a[::1]' is not a valid host: parse "http://a[::1]": invalid IP-literal`],
    ['control character', ['a\x01b'], 'invalid_host',
      `'a\x01b' is not a valid host: parse "http://a\\x01b": net/url: invalid control character in URL`],
    ['bad escape in the path', ['a.com/%zz'], 'invalid_host', `'a.com/%zz' is not a valid host: parse "http://a.com/%zz": invalid URL escape "%zz"`],
    ['bad escape in the fragment', ['a.com#%zz'], 'invalid_host', `'a.com#%zz' is not a valid host: parse "http://a.com#%zz": invalid URL escape "%zz"`],
    ['bad userinfo', ['a^b@a.com'], 'invalid_host', `'a^b@a.com' is not a valid host: parse "http://a^b@a.com": net/url: invalid userinfo`],
  ])('%s', (_name, entries, code, message) => {
    const err = failure(entries);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });
});

describe('parseAllowedHosts: check order over the whole list', () => {
  it.each<[string, string[], string]>([
    ['whitespace before comma, even in a later entry', ['a,b', 'c d'], 'contains_whitespace'],
    ['comma before scheme', ['http://x', 'a,b'], 'contains_comma'],
    ['scheme before parse errors', ['a{b', 'http://x'], 'includes_scheme'],
    ['parse errors before ports', ['localhost:1', 'a{b'], 'invalid_host'],
    ['ports last', ['good.com', 'localhost:1'], 'includes_port'],
    ['empty before anything', [], 'empty_list'],
  ])('%s', (_name, entries, code) => {
    expect(failure(entries).code).toBe(code);
  });
});
