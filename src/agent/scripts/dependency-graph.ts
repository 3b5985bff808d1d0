// Declared script dependencies at init (agent.md §2.8.1–§2.8.2): the
// normalised `depends_on` of a script, the cycle check over all declared
// edges (depth-first, scripts in manifest order, dependencies in declared
// order) with upstream-style path text, and the `addDependency(…,
// "completed")` calls once the set is known to be acyclic. It must never add
// an edge before the whole set was validated.
import type { ScriptRecord } from '../../protocol/manifest.js';
import type { UnitManagerApi } from '../units/types.js';
import { errorText, ScriptRunnerError } from './errors.js';
import { scriptUnitName } from './units.js';

/** `depends_on` without empty names and repeats, in declared order. */
export function dependenciesOf(script: Pick<ScriptRecord, 'depends_on'>): string[] {
  return [...new Set(script.depends_on.filter((name) => name !== ''))];
}

/** The first cycle among the declared edges, as `[a, b, a]`; undefined when acyclic. */
export function findDependencyCycle(scripts: readonly ScriptRecord[]): string[] | undefined {
  const edges = new Map<string, string[]>();
  const roots: string[] = [];
  for (const script of scripts) {
    const name = scriptUnitName(script);
    if (name === '') continue;
    if (!edges.has(name)) {
      edges.set(name, []);
      roots.push(name);
    }
    edges.get(name)!.push(...dependenciesOf(script));
  }

  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (unit: string): string[] | undefined => {
    state.set(unit, 'visiting');
    path.push(unit);
    for (const dep of edges.get(unit) ?? []) {
      const seen = state.get(dep);
      if (seen === 'visiting') return [...path.slice(path.indexOf(dep)), dep];
      if (seen === undefined) {
        const cycle = visit(dep);
        if (cycle !== undefined) return cycle;
      }
    }
    path.pop();
    state.set(unit, 'done');
    return undefined;
  };
  for (const root of roots) {
    if (state.has(root)) continue;
    const cycle = visit(root);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

/** Adds every named script's edges (`required_status` = `completed`). Call after findDependencyCycle. */
export function declareDependencies(manager: UnitManagerApi, scripts: readonly ScriptRecord[]): void {
  for (const script of scripts) {
    const name = scriptUnitName(script);
    if (name === '') continue;
    for (const dep of dependenciesOf(script)) {
      try {
        manager.addDependency(name, dep, 'completed');
      } catch (err) {
        // Only edges declared outside the manifest (`taskyard sync want`) can get us here.
        throw new ScriptRunnerError(
          'UNIT_SETUP_FAILED',
          `declare dependency of script unit ${JSON.stringify(name)} on ${JSON.stringify(dep)}: ${errorText(err)}`,
          { cause: err },
        );
      }
    }
  }
}
