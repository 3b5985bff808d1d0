// The dependency graph under the unit manager (spec agent.md §1.4): labelled
// directed edges between named vertices, a reachability cycle check and a
// byte-exact DOT export compatible with gonum's `dot.Marshal` output upstream.
// It knows nothing about unit statuses or readiness and must never notify
// anyone: the manager owns both.
import { UnitError, unitError } from './errors.js';
import type { DotOptions } from './types.js';

export interface GraphEdge<L> {
  from: string;
  to: string;
  label: L;
}

export class DependencyGraph<L> {
  /** Vertex ids 1, 2, 3… in order of first appearance in addEdge (from before to). */
  private readonly idByName = new Map<string, number>();
  private readonly nameById: string[] = [];
  /** from id → (to id → label); a pair holds at most one edge. */
  private readonly outgoing = new Map<number, Map<number, L>>();
  /** to id → from ids, for "who depends on me". */
  private readonly incoming = new Map<number, Set<number>>();
  /** Whether addEdge was ever called, even if every call was rejected. */
  private initialized = false;

  /**
   * Adds `from → to` labelled `label`, overwriting the label of an existing
   * pair. Both vertices get ids BEFORE the cycle check, so a rejected edge
   * still leaves them in the graph (upstream behaviour the DOT goldens show).
   * Throws CYCLE_DETECTED when `to` can already reach `from` (or from === to).
   */
  addEdge(from: string, to: string, label: L): void {
    this.initialized = true;
    const fromId = this.vertexId(from);
    const toId = this.vertexId(to);
    if (this.canReach(toId, fromId)) {
      throw new UnitError('CYCLE_DETECTED', {
        message: `adding edge (${from} -> ${to}): ${unitError('CYCLE_DETECTED').message}`,
      });
    }
    let targets = this.outgoing.get(fromId);
    if (targets === undefined) {
      targets = new Map();
      this.outgoing.set(fromId, targets);
    }
    targets.set(toId, label);
    let sources = this.incoming.get(toId);
    if (sources === undefined) {
      sources = new Set();
      this.incoming.set(toId, sources);
    }
    sources.add(fromId);
  }

  /** Edges leaving `from` (its dependencies), in insertion order. */
  forwardEdges(from: string): GraphEdge<L>[] {
    const fromId = this.idByName.get(from);
    if (fromId === undefined) return [];
    return [...(this.outgoing.get(fromId) ?? [])].map(([toId, label]) => ({ from, to: this.name(toId), label }));
  }

  /** Names of the vertices with an edge into `to` (its dependents). */
  dependents(to: string): string[] {
    const toId = this.idByName.get(to);
    if (toId === undefined) return [];
    return [...(this.incoming.get(toId) ?? [])].map((id) => this.name(id));
  }

  /**
   * DOT text with no trailing newline; throws GRAPH_NOT_INITIALIZED when no
   * edge was ever attempted.
   */
  toDOT(name: string, options: DotOptions = {}): string {
    if (!this.initialized) throw unitError('GRAPH_NOT_INITIALIZED');
    const lines = [`strict digraph ${name} {`, '  // Node definitions.'];
    this.nameById.forEach((vertex, index) => {
      lines.push(options.labels === true ? `  ${index + 1} [label=${JSON.stringify(vertex)}];` : `  ${index + 1};`);
    });
    const edges: Array<[number, number]> = [];
    for (const [fromId, targets] of this.outgoing) {
      for (const toId of targets.keys()) edges.push([fromId, toId]);
    }
    if (edges.length > 0) {
      edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      lines.push('', '  // Edge definitions.');
      for (const [fromId, toId] of edges) lines.push(`  ${fromId} -> ${toId};`);
    }
    lines.push('}');
    return lines.join('\n');
  }

  private vertexId(vertex: string): number {
    const existing = this.idByName.get(vertex);
    if (existing !== undefined) return existing;
    this.nameById.push(vertex);
    const id = this.nameById.length;
    this.idByName.set(vertex, id);
    return id;
  }

  private name(id: number): string {
    const vertex = this.nameById[id - 1];
    if (vertex === undefined) throw new Error(`graph invariant broken: no vertex with id ${id}`);
    return vertex;
  }

  /** Iterative depth-first search: is there a path start ⇝ end? */
  private canReach(start: number, end: number): boolean {
    if (start === end) return true;
    const visited = new Set<number>([start]);
    const stack = [start];
    for (let current = stack.pop(); current !== undefined; current = stack.pop()) {
      for (const next of this.outgoing.get(current)?.keys() ?? []) {
        if (next === end) return true;
        if (!visited.has(next)) {
          visited.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  }
}
