// The unit manager's public shape (spec agent.md §1), shared by the script
// runner, the socket server and their tests. Types only: the behaviour lives
// in manager.ts.

/** `""` means "not registered" (displayed `not registered`). */
export type UnitStatus = 'pending' | 'started' | 'completed' | '';

export interface UnitSnapshot {
  id: string;
  status: UnitStatus;
  ready: boolean;
}

export interface DependencySnapshot {
  unit: string;
  depends_on: string;
  required_status: UnitStatus;
  current_status: UnitStatus;
  is_satisfied: boolean;
}

export type UnitErrorCode =
  | 'UNIT_ID_REQUIRED'
  | 'UNIT_NOT_FOUND'
  | 'UNIT_ALREADY_REGISTERED'
  | 'SAME_STATUS_ALREADY_SET'
  | 'CYCLE_DETECTED'
  | 'FAILED_TO_ADD_DEPENDENCY'
  | 'GRAPH_NOT_INITIALIZED';

export interface DotOptions {
  /** Print each node as `<id> [label=<JSON-quoted name>];` (`taskyard sync graph --labels`). */
  labels?: boolean;
}

/** What the runner and the socket server use. All mutations are synchronous and atomic. */
export interface UnitManagerApi {
  register(id: string): void;
  unit(id: string): UnitSnapshot;
  isReady(id: string): boolean;
  addDependency(unit: string, dependsOn: string, requiredStatus: UnitStatus): void;
  updateStatus(unit: string, status: UnitStatus): void;
  getAllDependencies(unit: string): DependencySnapshot[];
  getUnmetDependencies(unit: string): DependencySnapshot[];
  listUnits(): UnitSnapshot[];
  /** DOT text, no trailing newline; throws GRAPH_NOT_INITIALIZED before the first addDependency. */
  exportDOT(name: string, options?: DotOptions): string;
  /** Resolves at the next successful mutation. */
  watch(): Promise<void>;
  /** Calls `listener` after each successful mutation; returns an unsubscribe. */
  subscribe(listener: () => void): () => void;
}
