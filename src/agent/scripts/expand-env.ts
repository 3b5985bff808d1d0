// Go's os.Expand: replaces `$VAR` and `${VAR}` the way upstream expands log
// paths and manifest environment values, including its quirks (`$1`, `$$`
// are one-character names; a bad `${` is eaten; a lone `$` stays). Pure
// string work: it must never read process.env itself — callers pass a lookup.

export type EnvLookup = (name: string) => string | undefined;

/** A lookup over an environment object; unset names expand to `""` (Go semantics). */
export function lookupIn(env: Readonly<Record<string, string | undefined>>): EnvLookup {
  return (name) => env[name];
}

export function expandEnv(text: string, lookup: EnvLookup): string {
  let out = '';
  let copiedUpTo = 0;
  for (let j = 0; j < text.length; j++) {
    if (text[j] !== '$' || j + 1 >= text.length) continue;
    out += text.slice(copiedUpTo, j);
    const { name, width } = shellName(text.slice(j + 1));
    if (name === '' && width > 0) {
      // Invalid syntax (`${`, `${}`): Go drops those characters.
    } else if (name === '') {
      out += '$';
    } else {
      out += lookup(name) ?? '';
    }
    j += width;
    copiedUpTo = j + 1;
  }
  return copiedUpTo === 0 ? text : out + text.slice(copiedUpTo);
}

const SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);

function isNameChar(c: string): boolean {
  return c === '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function shellName(s: string): { name: string; width: number } {
  if (s[0] === '{') {
    if (s.length > 2 && SPECIAL.has(s[1]!) && s[2] === '}') return { name: s[1]!, width: 3 };
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') return i === 1 ? { name: '', width: 2 } : { name: s.slice(1, i), width: i + 1 };
    }
    return { name: '', width: 1 };
  }
  if (SPECIAL.has(s[0]!)) return { name: s[0]!, width: 1 };
  let i = 0;
  while (i < s.length && isNameChar(s[i]!)) i++;
  return { name: s.slice(0, i), width: i };
}
