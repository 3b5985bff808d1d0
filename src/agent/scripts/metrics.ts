// The runner's one metric (agent.md §2.4.9):
// `agent_scripts_executed_total{success="true"|"false"}`, counted per run and
// kept in memory for a later Prometheus exporter to read. It must never
// register globals or expose an HTTP endpoint itself.

export const SCRIPTS_EXECUTED_METRIC = 'agent_scripts_executed_total';

export interface CounterSample {
  name: string;
  labels: { success: 'true' | 'false' };
  value: number;
}

export class ScriptMetrics {
  private succeeded = 0;
  private failed = 0;

  recordRun(success: boolean): void {
    if (success) this.succeeded++;
    else this.failed++;
  }

  /** Both series, always present (a Prometheus counter starts at 0). */
  samples(): CounterSample[] {
    return [
      { name: SCRIPTS_EXECUTED_METRIC, labels: { success: 'true' }, value: this.succeeded },
      { name: SCRIPTS_EXECUTED_METRIC, labels: { success: 'false' }, value: this.failed },
    ];
  }
}
