// Output of `taskyard sync status` and `list` (spec agent.md §5.4–5.5): the
// table and JSON forms, column selection with `-c`, and the fixed lines for
// empty results. Pure text from socket responses: it must never do I/O.
import type { StatusResponse, WireUnit, WireUnitStatus } from '../../agent/socket/protocol.js';
import { renderTable } from './table.js';

export type OutputFormat = 'table' | 'json';
export const OUTPUT_FORMATS: readonly OutputFormat[] = ['table', 'json'];

export const STATUS_COLUMNS = ['depends on', 'required status', 'current status', 'satisfied'] as const;
export const LIST_COLUMNS = ['unit', 'status', 'ready'] as const;

/**
 * The requested subset of `available` (comma-separated values, possibly
 * repeated, case-insensitive), always in `available`'s fixed order; all when
 * nothing was requested.
 */
export function selectColumns<C extends string>(available: readonly C[], requested: readonly string[] | undefined): C[] {
  const names = (requested ?? []).flatMap((value) => value.split(',')).map((name) => name.trim().toLowerCase());
  if (names.length === 0) return [...available];
  for (const name of names) {
    if (!(available as readonly string[]).includes(name)) {
      throw new Error(`unknown column ${JSON.stringify(name)}, available columns: ${available.join(', ')}`);
    }
  }
  return available.filter((column) => names.includes(column));
}

export function renderStatus(status: StatusResponse, format: OutputFormat, columns?: readonly string[]): string {
  if (format === 'json') {
    return goJson({
      unit_name: status.unit,
      status: status.status,
      is_ready: status.is_ready,
      dependencies: status.dependencies.map((d) => ({
        depends_on: d.depends_on,
        required_status: d.required_status,
        current_status: d.current_status,
        is_satisfied: d.is_satisfied,
      })),
    });
  }
  const selected = selectColumns(STATUS_COLUMNS, columns);
  const header = `Unit: ${status.unit}\nStatus: ${displayStatus(status.status)}\nReady: ${String(status.is_ready)}\n\nDependencies:\n`;
  if (status.dependencies.length === 0) return `${header}No dependencies found\n`;
  const cells: Record<(typeof STATUS_COLUMNS)[number], (d: StatusResponse['dependencies'][number]) => string> = {
    'depends on': (d) => d.depends_on,
    'required status': (d) => displayStatus(d.required_status),
    'current status': (d) => displayStatus(d.current_status),
    satisfied: (d) => String(d.is_satisfied),
  };
  return header + renderTable(selected, status.dependencies.map((d) => selected.map((column) => cells[column](d))));
}

export function renderList(units: readonly WireUnit[], format: OutputFormat, columns?: readonly string[]): string {
  if (format === 'json') return goJson(units.map((u) => ({ unit_name: u.unit, status: u.status, is_ready: u.is_ready })));
  const selected = selectColumns(LIST_COLUMNS, columns);
  if (units.length === 0) return 'No units registered\n';
  const cells: Record<(typeof LIST_COLUMNS)[number], (u: WireUnit) => string> = {
    unit: (u) => u.unit,
    status: (u) => displayStatus(u.status),
    ready: (u) => String(u.is_ready),
  };
  return renderTable(selected, units.map((u) => selected.map((column) => cells[column](u))));
}

/** `Unit "<u>" … [a, b]`: names JSON-quoted (§5.1.3) and lists joined by `, `. */
export function quoteName(name: string): string {
  return JSON.stringify(name);
}

export function nameList(names: readonly string[]): string {
  return `[${names.join(', ')}]`;
}

function displayStatus(status: WireUnitStatus): string {
  return status === '' ? 'not registered' : status;
}

/**
 * Go's json.MarshalIndent(v, "", "  ") plus the newline its encoder adds:
 * like JSON.stringify, except that `<`, `>`, `&`, U+2028 and U+2029 are escaped.
 */
function goJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `${text}\n`;
}
