// DependencyGraph: vertex numbering, cycle rejection and the byte-exact DOT
// goldens of §1.4.4 (testdata/*.dot, no trailing newline), through both the
// graph and the manager's exportDOT.
// In-process only: must never open sockets or spawn processes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isUnitError } from './errors.js';
import { DependencyGraph } from './graph.js';
import { UnitManager } from './manager.js';

function golden(name: string): string {
  return readFileSync(new URL(`./testdata/${name}.dot`, import.meta.url), 'utf8');
}

/** [from, to] edges, attempted in order; rejected ones are expected to throw CYCLE_DETECTED. */
const dotCases: Array<{ name: string; edges: Array<[string, string]>; rejected: number }> = [
  { name: 'ForwardAndReverseEdges', edges: [['unit1', 'unit2'], ['unit1', 'unit3']], rejected: 0 },
  { name: 'SelfReference', edges: [['unit1', 'unit1']], rejected: 1 },
  { name: 'Cycle', edges: [['unit1', 'unit2'], ['unit2', 'unit1']], rejected: 1 },
  {
    name: 'MultipleDependenciesSameStatus',
    edges: [['unit1', 'unit2'], ['unit1', 'unit3'], ['unit1', 'unit4']],
    rejected: 0,
  },
];

describe('DOT goldens (§1.4.4)', () => {
  it.each(dotCases)('graph: $name', ({ name, edges, rejected }) => {
    const graph = new DependencyGraph<string>();
    let failures = 0;
    for (const [from, to] of edges) {
      try {
        graph.addEdge(from, to, 'started');
      } catch (err) {
        expect(isUnitError(err, 'CYCLE_DETECTED')).toBe(true);
        failures++;
      }
    }
    expect(failures).toBe(rejected);
    expect(graph.toDOT(name)).toBe(golden(name));
  });

  it.each(dotCases)('manager: $name', ({ name, edges, rejected }) => {
    const manager = new UnitManager();
    let failures = 0;
    for (const [from, to] of edges) {
      if (manager.unit(from).status === '') manager.register(from);
      try {
        manager.addDependency(from, to, 'started');
      } catch (err) {
        expect(isUnitError(err, 'CYCLE_DETECTED')).toBe(true);
        failures++;
      }
    }
    expect(failures).toBe(rejected);
    expect(manager.exportDOT(name)).toBe(golden(name));
  });

  it('golden files have no trailing newline', () => {
    for (const { name } of dotCases) expect(golden(name).endsWith('}')).toBe(true);
  });
});

describe('DependencyGraph', () => {
  it('numbers vertices by first appearance, from before to', () => {
    const graph = new DependencyGraph<string>();
    graph.addEdge('b', 'a', 'x');
    graph.addEdge('c', 'a', 'x');
    graph.addEdge('a', 'd', 'x');
    expect(graph.toDOT('g', { labels: true })).toBe(
      'strict digraph g {\n  // Node definitions.\n  1 [label="b"];\n  2 [label="a"];\n  3 [label="c"];\n  4 [label="d"];\n\n' +
        '  // Edge definitions.\n  1 -> 2;\n  2 -> 4;\n  3 -> 2;\n}',
    );
  });

  it('labels are JSON-quoted', () => {
    const graph = new DependencyGraph<string>();
    graph.addEdge('say "hi"', 'back\\slash', 'x');
    expect(graph.toDOT('g', { labels: true })).toContain('  1 [label="say \\"hi\\""];\n  2 [label="back\\\\slash"];');
  });

  it('throws GRAPH_NOT_INITIALIZED before any edge', () => {
    expect(() => new DependencyGraph<string>().toDOT('g')).toThrow('graph is not initialized');
  });

  it.each([
    { name: 'self edge', edges: [] as Array<[string, string]>, attempt: ['a', 'a'] as [string, string] },
    { name: 'direct back edge', edges: [['a', 'b']] as Array<[string, string]>, attempt: ['b', 'a'] as [string, string] },
    {
      name: 'long chain',
      edges: [['a', 'b'], ['b', 'c'], ['c', 'd']] as Array<[string, string]>,
      attempt: ['d', 'a'] as [string, string],
    },
  ])('rejects a cycle: $name', ({ edges, attempt }) => {
    const graph = new DependencyGraph<string>();
    for (const [from, to] of edges) graph.addEdge(from, to, 'x');
    const before = edges.length === 0 ? undefined : graph.toDOT('g');
    expect(() => graph.addEdge(...attempt, 'x')).toThrow(`adding edge (${attempt[0]} -> ${attempt[1]}): cycle detected`);
    if (before !== undefined) expect(graph.toDOT('g')).toBe(before);
    expect(graph.forwardEdges(attempt[0]).some((edge) => edge.to === attempt[1])).toBe(false);
  });

  it('allows diamonds (shared targets are not cycles)', () => {
    const graph = new DependencyGraph<string>();
    graph.addEdge('a', 'b', 'x');
    graph.addEdge('a', 'c', 'x');
    graph.addEdge('b', 'd', 'x');
    graph.addEdge('c', 'd', 'x');
    expect(graph.dependents('d').sort()).toEqual(['b', 'c']);
  });

  it('re-adding a pair overwrites its label and keeps one edge', () => {
    const graph = new DependencyGraph<string>();
    graph.addEdge('a', 'b', 'started');
    graph.addEdge('a', 'b', 'completed');
    expect(graph.forwardEdges('a')).toEqual([{ from: 'a', to: 'b', label: 'completed' }]);
    expect(graph.dependents('b')).toEqual(['a']);
  });
});
