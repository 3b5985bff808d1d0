import { describe, expect, it } from 'vitest';
import { ENTER_ALT_SCREEN, LEAVE_ALT_SCREEN, clipToCells, renderScreen, visibleRows } from './screen-renderer.js';

describe('clipToCells', () => {
  it.each([
    ['fits', 'hello', 10, 'hello'],
    ['exactly the width', 'hello', 5, 'hello'],
    ['cut at the width', 'hello world', 5, 'hello'],
    ['zero columns', 'hello', 0, ''],
    ['wide characters take two cells', '世界世界', 4, '世界'],
    ['a wide character straddling the edge is dropped', 'a世界', 4, 'a世'],
    ['emoji are wide', '🚀🚀', 3, '🚀'],
    ['combining marks stay with their base', 'e\u0301e\u0301e', 2, 'e\u0301e\u0301'],
    ['escape sequences from the server are neutralised', 'a\x1b[2Jb\x07c\x9bd', 80, 'a[2Jbcd'],
    ['a tab is a control and dropped', 'a\tb', 80, 'ab'],
  ])('%s', (_name, line, cols, expected) => {
    expect(clipToCells(line, cols)).toBe(expected);
  });
});

describe('visibleRows', () => {
  it.each([
    ['all rows when they fit', 'a\nb\nc', 5, ['a', 'b', 'c']],
    ['exactly fitting', 'a\nb\nc', 3, ['a', 'b', 'c']],
    ['the last rows when too tall (newest output and prompt stay visible)', 'a\nb\nc\nd', 2, ['c', 'd']],
    ['no rows', 'a', 0, []],
    ['an empty screen is one empty row', '', 3, ['']],
  ])('%s', (_name, screen, rows, expected) => {
    expect(visibleRows(screen, rows)).toEqual(expected);
  });
});

describe('renderScreen', () => {
  it('clears, homes, then draws each row at its own position', () => {
    expect(renderScreen('ab\n\ncd', { cols: 80, rows: 24 })).toBe('\x1b[2J\x1b[H\x1b[1;1Hab\x1b[3;1Hcd');
  });

  it('shows only as many rows and columns as fit', () => {
    const screen = Array.from({ length: 40 }, (_, i) => `row ${String(i).padStart(2, '0')} `.padEnd(120, '#')).join('\n');
    const out = renderScreen(screen, { cols: 10, rows: 3 });
    expect(out).toBe('\x1b[2J\x1b[H\x1b[1;1Hrow 37 ###\x1b[2;1Hrow 38 ###\x1b[3;1Hrow 39 ###');
  });

  it('never writes a control character it received', () => {
    const out = renderScreen('x\x1b]0;pwned\x07y', { cols: 80, rows: 24 });
    expect(out).toBe('\x1b[2J\x1b[H\x1b[1;1Hx]0;pwnedy');
  });

  it('enter/leave sequences switch the alternate screen and the cursor', () => {
    expect(ENTER_ALT_SCREEN).toContain('\x1b[?1049h');
    expect(LEAVE_ALT_SCREEN).toContain('\x1b[?1049l');
    expect(LEAVE_ALT_SCREEN).toContain('\x1b[?25h');
  });
});
