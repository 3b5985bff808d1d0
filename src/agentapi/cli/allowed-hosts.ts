// Parses and validates the allowed-hosts list (§2.2.9) into the form the host
// check (§3.7) matches against: lower-cased hostnames without port or IPv6
// brackets, or `*`. Also owns the list-shape checks shared with the
// allowed-origins list. Must never resolve names or touch the network.
import { AllowedListError } from './errors.js';
import { isUnicodeSpace } from '../format/text.js';
import { hostnameOf, parseGoUrl, portOf, GoUrlError } from './allowed-hosts-url.js';

/** A validated allowed list: the entries, or `*` for "allow everything". */
export type AllowedList = string[] | '*';

/**
 * The checks both lists start with, in order: empty list, a `*` entry
 * anywhere (the list becomes `*`, other entries are not looked at), then one
 * pass for whitespace and one for commas over the whole list. Whitespace or a
 * comma inside an entry usually means the wrong separator was used (env
 * lists split on whitespace, flag lists on commas). Returns `*` or nothing.
 */
export function checkListShape(entries: readonly string[]): '*' | undefined {
  if (entries.length === 0) throw new AllowedListError('empty_list', 'the list must not be empty');
  if (entries.includes('*')) return '*';
  for (const entry of entries) {
    if ([...entry].some(isUnicodeSpace)) {
      throw new AllowedListError('contains_whitespace', `'${entry}' contains whitespace characters, which are not allowed`);
    }
  }
  for (const entry of entries) {
    if (entry.includes(',')) {
      throw new AllowedListError('contains_comma', `'${entry}' contains comma characters, which are not allowed`);
    }
  }
  return undefined;
}

/** Validates `--allowed-hosts` entries; throws AllowedListError with the upstream text. */
export function parseAllowedHosts(entries: readonly string[]): AllowedList {
  if (checkListShape(entries) === '*') return '*';
  for (const entry of entries) {
    if (entry.includes('http://') || entry.includes('https://')) {
      throw new AllowedListError('includes_scheme', `'${entry}' must not include http:// or https://`);
    }
  }
  const hosts = entries.map((entry) => {
    try {
      return parseGoUrl(`http://${entry}`).host;
    } catch (err) {
      if (err instanceof GoUrlError) {
        throw new AllowedListError('invalid_host', `'${entry}' is not a valid host: ${err.message}`, { cause: err });
      }
      throw err;
    }
  });
  for (const host of hosts) {
    // An unbracketed IPv6 literal (`::1`) ends in `:digits` and lands here, as upstream.
    if (portOf(host) !== '') {
      throw new AllowedListError('includes_port', `'${host}' must not include a port`);
    }
  }
  return hosts.map((host) => hostnameOf(host).toLowerCase());
}
