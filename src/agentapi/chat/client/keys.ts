// Browser-script part: control mode's key translation (§3.11.1). Turns a
// keydown into the bytes a terminal would send, so the agent's TUI sees what a
// user at a real terminal would type. Pure functions only: no DOM, no I/O,
// so the unit tests can run this text in node:vm. Written as plain browser JS
// (no template literals: the text lives inside String.raw).
export const KEYS_SCRIPT = String.raw`
var NAMED_KEYS = {
  Enter: '\r', Backspace: '\x7f', Escape: '\x1b', Tab: '\t',
  ArrowUp: '\x1b[A', ArrowDown: '\x1b[B', ArrowRight: '\x1b[C', ArrowLeft: '\x1b[D',
  Home: '\x1b[H', End: '\x1b[F', Delete: '\x1b[3~', PageUp: '\x1b[5~', PageDown: '\x1b[6~'
};

// The raw bytes for a keydown, or null to leave the key to the browser
// (shortcuts with Alt/Meta, Ctrl+Shift+V paste, composition, bare modifiers).
function rawForKey(e) {
  if (e.isComposing || e.altKey || e.metaKey) return null;
  var key = e.key;
  if (e.ctrlKey) {
    if (e.shiftKey) return null;
    if (/^[a-zA-Z]$/.test(key)) return String.fromCharCode(key.toLowerCase().charCodeAt(0) - 96);
    if (key === '[') return '\x1b';
    if (key === '\\') return '\x1c';
    if (key === ']') return '\x1d';
    if (key === ' ' || key === '@') return '\x00';
    return null;
  }
  if (key === 'Tab' && e.shiftKey) return '\x1b[Z';
  if (Object.prototype.hasOwnProperty.call(NAMED_KEYS, key)) return NAMED_KEYS[key];
  if (typeof key === 'string' && Array.from(key).length === 1) return key;
  return null;
}

var KEY_LABELS = {
  '\r': '\u23ce', '\x7f': '\u232b', '\x1b': 'Esc', '\t': '\u21e5', '\x1b[Z': '\u21e4',
  '\x1b[A': '\u2191', '\x1b[B': '\u2193', '\x1b[C': '\u2192', '\x1b[D': '\u2190',
  '\x1b[H': 'Home', '\x1b[F': 'End', '\x1b[3~': 'Del', '\x1b[5~': 'PgUp', '\x1b[6~': 'PgDn', ' ': '\u2423'
};

// A short visible label for the bytes of one key press ("^C", "Esc", "a").
function keyLabel(raw) {
  if (Object.prototype.hasOwnProperty.call(KEY_LABELS, raw)) return KEY_LABELS[raw];
  if (raw.length === 1 && raw.charCodeAt(0) < 32) return '^' + String.fromCharCode(raw.charCodeAt(0) + 64);
  return raw.replace(/[\x00-\x1f\x7f]/g, '\u00b7');
}
`;
