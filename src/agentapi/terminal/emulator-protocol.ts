// The messages between TerminalScreen (main thread) and the emulator worker.
// They never leave the process, so this union is the whole contract and
// nothing on the hot path is validated. It must never grow a message that
// lets the worker answer before the output sent ahead of it is parsed.

/** `workerData` of the emulator worker. */
export interface EmulatorInit {
  cols: number;
  rows: number;
}

export type ToEmulator =
  /** Agent output, in arrival order. */
  | { kind: 'output'; data: string }
  /** Answer `flushed` once everything sent before this is parsed. */
  | { kind: 'flush'; id: number }
  /** Answer `screen` (rendered per §4.1) once everything sent before this is parsed. */
  | { kind: 'render'; id: number };

export type FromEmulator = { kind: 'flushed'; id: number } | { kind: 'screen'; id: number; screen: string };
