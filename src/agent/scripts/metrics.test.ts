import { describe, expect, it } from 'vitest';
import { ScriptMetrics } from './metrics.js';

describe('ScriptMetrics', () => {
  it('counts runs per success label, both series from zero', () => {
    const metrics = new ScriptMetrics();
    expect(metrics.samples().map((s) => s.value)).toEqual([0, 0]);
    metrics.recordRun(true);
    metrics.recordRun(false);
    metrics.recordRun(true);
    expect(metrics.samples()).toEqual([
      { name: 'agent_scripts_executed_total', labels: { success: 'true' }, value: 2 },
      { name: 'agent_scripts_executed_total', labels: { success: 'false' }, value: 1 },
    ]);
  });
});
