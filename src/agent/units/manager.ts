// The unit manager (spec agent.md §1.3): registered units, their statuses and
// cached readiness over a DependencyGraph, plus change notification. The agent
// builds exactly one and hands it to the script runner and the socket server.
// Every mutation is synchronous and atomic — it must never await, and it must
// never notify anyone about a call that failed.
import {
  failedToAddDependency,
  isUnitError,
  quote,
  unitError,
  unitErrorWithContext,
  UnitError,
} from './errors.js';
import { DependencyGraph } from './graph.js';
import { compareNames } from './order.js';
import type { DependencySnapshot, DotOptions, UnitManagerApi, UnitSnapshot, UnitStatus } from './types.js';

export interface UnitManagerOptions {
  /**
   * Called when a change listener throws. Default: rethrow from a microtask,
   * so the bug surfaces as an uncaught exception instead of vanishing.
   */
  onListenerError?: (err: unknown) => void;
}

interface UnitState {
  status: UnitStatus;
  ready: boolean;
}

export class UnitManager implements UnitManagerApi {
  private readonly units = new Map<string, UnitState>();
  private readonly graph = new DependencyGraph<UnitStatus>();
  private readonly listeners = new Set<() => void>();
  private waiters: Array<() => void> = [];
  private readonly onListenerError: (err: unknown) => void;

  constructor(options: UnitManagerOptions = {}) {
    this.onListenerError = options.onListenerError ?? rethrowLater;
  }

  register(id: string): void {
    requireName(id);
    if (this.isRegistered(id)) throw unitErrorWithContext('UNIT_ALREADY_REGISTERED', `registering unit ${quote(id)}`);
    // Units that already depend on `id` keep their cached readiness (upstream
    // behaviour): only an updateStatus recomputes dependents.
    this.units.set(id, { status: 'pending', ready: true });
    this.notifyChange();
  }

  unit(id: string): UnitSnapshot {
    requireName(id);
    const state = this.units.get(id);
    return { id, status: state?.status ?? '', ready: state?.ready ?? false };
  }

  isReady(id: string): boolean {
    requireName(id);
    const state = this.units.get(id);
    if (state === undefined || state.status === '') return true;
    return state.ready;
  }

  addDependency(unit: string, dependsOn: string, requiredStatus: UnitStatus): void {
    requireName(unit);
    requireName(dependsOn);
    this.requireRegistered(unit);
    try {
      this.graph.addEdge(unit, dependsOn, requiredStatus);
    } catch (err) {
      if (err instanceof UnitError && isUnitError(err, 'CYCLE_DETECTED')) throw failedToAddDependency(unit, err);
      throw err;
    }
    this.recalculateReadiness(unit);
    this.notifyChange();
  }

  updateStatus(unit: string, status: UnitStatus): void {
    requireName(unit);
    const state = this.requireRegistered(unit);
    if (state.status === status) throw unitErrorWithContext('SAME_STATUS_ALREADY_SET', `checking status for unit ${quote(unit)}`);
    state.status = status;
    for (const dependent of this.graph.dependents(unit)) this.recalculateReadiness(dependent);
    this.notifyChange();
  }

  getAllDependencies(unit: string): DependencySnapshot[] {
    requireName(unit);
    this.requireRegistered(unit);
    return this.graph
      .forwardEdges(unit)
      .map(({ to, label }) => {
        const current = this.units.get(to)?.status ?? '';
        return { unit, depends_on: to, required_status: label, current_status: current, is_satisfied: current === label };
      })
      .sort((a, b) => compareNames(a.depends_on, b.depends_on));
  }

  getUnmetDependencies(unit: string): DependencySnapshot[] {
    return this.getAllDependencies(unit).filter((dependency) => !dependency.is_satisfied);
  }

  listUnits(): UnitSnapshot[] {
    const snapshots: UnitSnapshot[] = [];
    for (const [id, state] of this.units) {
      if (state.status !== '') snapshots.push({ id, status: state.status, ready: state.ready });
    }
    return snapshots.sort((a, b) => compareNames(a.id, b.id));
  }

  exportDOT(name: string, options?: DotOptions): string {
    return this.graph.toDOT(name, options);
  }

  watch(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  subscribe(listener: () => void): () => void {
    // Wrap so the same function subscribed twice gets two independent entries.
    const entry = (): void => listener();
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  private isRegistered(id: string): boolean {
    const state = this.units.get(id);
    return state !== undefined && state.status !== '';
  }

  private requireRegistered(id: string): UnitState {
    const state = this.units.get(id);
    if (state === undefined || state.status === '') {
      throw unitErrorWithContext('UNIT_NOT_FOUND', `checking registration for unit ${quote(id)}`);
    }
    return state;
  }

  /** Readiness rule §1.3.6: every dependency's status equals its required status exactly. */
  private recalculateReadiness(unit: string): void {
    const state = this.units.get(unit);
    if (state === undefined) return;
    state.ready = this.graph.forwardEdges(unit).every(({ to, label }) => (this.units.get(to)?.status ?? '') === label);
  }

  /**
   * Runs after the state is fully updated, so listeners may read or even
   * mutate the manager. A throwing listener is a bug in that listener: it must
   * neither undo the mutation nor starve the other listeners, so its error goes
   * to onListenerError instead of the mutation's caller.
   */
  private notifyChange(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
    for (const listener of [...this.listeners]) {
      if (!this.listeners.has(listener)) continue; // unsubscribed by an earlier listener
      try {
        listener();
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

function requireName(id: string): void {
  if (id === '') throw unitError('UNIT_ID_REQUIRED');
}

function rethrowLater(err: unknown): void {
  queueMicrotask(() => {
    throw err;
  });
}
