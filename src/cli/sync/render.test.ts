// Table layout (§5.6) and the status/list renderers (§5.4–5.5) as pure
// functions; the byte-exact goldens run through the real bin in sync-cli.test.ts.
// In-process only: must never open sockets or spawn processes.
import { describe, expect, it } from 'vitest';
import type { StatusResponse } from '../../agent/socket/protocol.js';
import { LIST_COLUMNS, renderList, renderStatus, selectColumns, STATUS_COLUMNS } from './render.js';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it.each<[string, string[], string[][], string]>([
    ['pads every cell to widest + 2, header included', ['a', 'bb'], [['xxx', 'y']], 'A    BB  \nxxx  y   \n'],
    ['counts code points, not UTF-16 units', ['unit'], [['\u{1F600}\u{1F600}'], ['é']], 'UNIT  \n\u{1F600}\u{1F600}    \né     \n'],
    ['header only', ['unit', 'status'], [], 'UNIT  STATUS  \n'],
  ])('%s', (_name, headers, rows, expected) => {
    expect(renderTable(headers, rows)).toBe(expected);
  });
});

describe('selectColumns', () => {
  it.each<[string[] | undefined, string[]]>([
    [undefined, [...LIST_COLUMNS]],
    [[], [...LIST_COLUMNS]],
    [['ready,unit'], ['unit', 'ready']],
    [['READY', ' Status '], ['status', 'ready']],
    [['unit,unit'], ['unit']],
  ])('%j → %j', (requested, expected) => {
    expect(selectColumns(LIST_COLUMNS, requested)).toEqual(expected);
  });

  it('names the available columns for an unknown one', () => {
    expect(() => selectColumns(STATUS_COLUMNS, ['depends on,status'])).toThrow(
      'unknown column "status", available columns: depends on, required status, current status, satisfied',
    );
  });
});

describe('renderers', () => {
  const unregistered: StatusResponse = { unit: 'ghost', status: '', is_ready: true, dependencies: [] };

  it('status of an unregistered unit reads "not registered" in tables and "" in JSON', () => {
    expect(renderStatus(unregistered, 'table')).toBe('Unit: ghost\nStatus: not registered\nReady: true\n\nDependencies:\nNo dependencies found\n');
    expect(JSON.parse(renderStatus(unregistered, 'json'))).toEqual({ unit_name: 'ghost', status: '', is_ready: true, dependencies: [] });
  });

  it('JSON escapes <, > and & like Go', () => {
    expect(renderList([{ unit: 'a<b>&c', status: 'pending', is_ready: true }], 'json')).toContain('"unit_name": "a\\u003cb\\u003e\\u0026c"');
  });

  it('JSON ignores columns', () => {
    expect(renderList([], 'json', ['bogus'])).toBe('[]\n');
  });
});
