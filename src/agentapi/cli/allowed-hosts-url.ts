// The subset of Go's net/url.Parse that the allowed-hosts and allowed-origins
// validators need (§2.2.9, §2.2.10): what it accepts, how it splits scheme,
// host and port, and its error texts, which upstream embeds in its messages
// (`'x' is not a valid host: parse "http://x": ...`). WHATWG `URL` differs in
// both directions (it rewrites hosts, rejects `*`, accepts `a b`), so it must
// never be used here. Pure: must never touch the network or DNS.
//
// Modelled on Go 1.25 with the CVE-2025-47912 fix (a bracketed host must be
// an IPv6 address) and without Go 1.26's strict colons, so that `::1` still
// parses as host `:` + port `1` and is reported as "must not include a port".
import { isIPv4, isIPv6 } from 'node:net';
import { goQuote } from './errors.js';

export interface GoUrl {
  /** Lower-cased, as Go stores it. */
  scheme: string;
  /** The authority's host[:port], percent-decoded; IPv6 keeps its brackets. */
  host: string;
}

/** Go's *url.Error: `parse "<url>": <cause>`. */
export class GoUrlError extends Error {
  constructor(url: string, cause: string) {
    super(`parse ${goQuote(url)}: ${cause}`);
    this.name = 'GoUrlError';
  }
}

/** A failure inside parsing, before it is wrapped with the URL. */
class Cause extends Error {}

type Mode = 'host' | 'zone' | 'userinfo' | 'path' | 'fragment';

/** url.Parse. Throws GoUrlError. */
export function parseGoUrl(raw: string): GoUrl {
  const hash = raw.indexOf('#');
  const beforeFragment = hash === -1 ? raw : raw.slice(0, hash);
  let url: GoUrl;
  try {
    url = parseWithoutFragment(beforeFragment);
  } catch (err) {
    if (err instanceof Cause) throw new GoUrlError(beforeFragment, err.message);
    throw err;
  }
  if (hash !== -1) {
    try {
      unescape(raw.slice(hash + 1), 'fragment');
    } catch (err) {
      if (err instanceof Cause) throw new GoUrlError(raw, err.message);
      throw err;
    }
  }
  return url;
}

/** url.URL.Port(): the digits after a trailing `:digits`, else ''. */
export function portOf(host: string): string {
  return splitHostPort(host).port;
}

/** url.URL.Hostname(): host without port and without IPv6 brackets. */
export function hostnameOf(host: string): string {
  return splitHostPort(host).hostname;
}

function splitHostPort(hostPort: string): { hostname: string; port: string } {
  let hostname = hostPort;
  let port = '';
  const colon = hostPort.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(hostPort.slice(colon))) {
    hostname = hostPort.slice(0, colon);
    port = hostPort.slice(colon + 1);
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return { hostname, port };
}

function parseWithoutFragment(raw: string): GoUrl {
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new Cause('net/url: invalid control character in URL');
  if (raw === '*') return { scheme: '', host: '' };
  const { scheme, rest: afterScheme } = getScheme(raw);
  let rest = afterScheme;
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q !== -1) rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    // A rootless path after a scheme is opaque (`mailto:x`, `localhost:3000`).
    if (scheme !== '') return { scheme, host: '' };
    const segment = rest.split('/')[0]!;
    if (segment.includes(':')) throw new Cause('first path segment in URL cannot contain colon');
  }
  let host = '';
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash !== -1) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    host = parseAuthority(authority);
  }
  unescape(rest, 'path');
  return { scheme, host };
}

function getScheme(raw: string): { scheme: string; rest: string } {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Cause('missing protocol scheme');
      return { scheme: raw.slice(0, i).toLowerCase(), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

function parseAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at === -1 ? authority : authority.slice(at + 1));
  if (at === -1) return host;
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new Cause('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  unescape(colon === -1 ? userinfo : userinfo.slice(0, colon), 'userinfo');
  if (colon !== -1) unescape(userinfo.slice(colon + 1), 'userinfo');
  return host;
}

function parseHost(host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new Cause('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new Cause("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) throw new Cause(`invalid port ${goQuote(colonPort)} after host`);
    const inside = host.slice(1, close);
    const zone = inside.indexOf('%25');
    const address =
      zone === -1 ? unescape(inside, 'host') : unescape(inside.slice(0, zone), 'host') + unescape(inside.slice(zone), 'zone');
    // Go checks with netip.ParseAddr; its detailed reasons are not reproduced.
    if (isIPv4(address)) throw new Cause('invalid IP-literal');
    if (!isIPv6(address)) throw new Cause(`invalid host: ParseAddr(${goQuote(address)}): unable to parse IP`);
    return `[${address}]${colonPort}`;
  }
  const colon = host.lastIndexOf(':');
  if (colon !== -1) {
    const colonPort = host.slice(colon);
    if (!validOptionalPort(colonPort)) throw new Cause(`invalid port ${goQuote(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

/** `""` or `:` followed by digits only. */
function validOptionalPort(port: string): boolean {
  return port === '' || /^:[0-9]*$/.test(port);
}

/** ASCII characters Go lets through unescaped in a host or zone. */
const HOST_CHARS = /^[A-Za-z0-9\-._~!$&'()*+,;=:[\]<>"]$/;
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** url.unescape for the given part: validates `%XX` and host characters, returns the decoded text. */
function unescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      if (!isHex(s[i + 1]) || !isHex(s[i + 2])) {
        throw new Cause(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      const triple = s.slice(i, i + 3);
      const byte = parseInt(s.slice(i + 1, i + 3), 16);
      // In a host, %-encoding is only for non-ASCII bytes (RFC 3986), except %25 (RFC 6874 zones).
      if (mode === 'host' && byte < 0x80 && triple !== '%25') {
        throw new Cause(`invalid URL escape ${goQuote(triple)}`);
      }
      // In a zone, escapes may only spell bytes that could be written directly (or a space: Windows).
      const writable = byte < 0x80 && HOST_CHARS.test(String.fromCharCode(byte));
      if (mode === 'zone' && triple !== '%25' && byte !== 0x20 && !writable) {
        throw new Cause(`invalid URL escape ${goQuote(triple)}`);
      }
      bytes.push(byte);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && !HOST_CHARS.test(c)) {
      throw new Cause(`invalid character ${goQuote(c)} in host name`);
    }
    const cp = s.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    bytes.push(...Buffer.from(ch, 'utf8'));
    i += ch.length;
  }
  return Buffer.from(bytes).toString('utf8');
}
