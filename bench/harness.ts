// The benchmark harness: each benchmark reports figures, every figure next to
// a baseline measured in the same run (and its target when an issue names
// one). Timings are reported, never asserted.

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** Human-readable target, e.g. "< 20 ms". */
  target?: string;
  /** Whether the value meets the target (undefined when there is no target). */
  meetsTarget?: boolean;
  baseline: { name: string; value: number };
}

export interface Benchmark {
  name: string;
  run(): Promise<Figure[]>;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return n.toFixed(0);
  if (Math.abs(n) >= 1) return n.toFixed(2);
  return n.toPrecision(3);
}

export function renderTable(rows: readonly Figure[]): string {
  const header = ['figure', 'value', 'target', 'meets', 'baseline', 'baseline value', 'ratio'];
  const body = rows.map((f) => [
    f.name,
    `${fmt(f.value)} ${f.unit}`,
    f.target ?? '-',
    f.meetsTarget === undefined ? '-' : f.meetsTarget ? 'yes' : 'NO',
    f.baseline.name,
    `${fmt(f.baseline.value)} ${f.unit}`,
    f.baseline.value === 0 ? '-' : `${fmt(f.value / f.baseline.value)}x`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}
