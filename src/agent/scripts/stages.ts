// Which scripts an execution runs (agent.md §2.3.2) and the stage its
// timings report (§2.4.8: `ALL` reports `START`). Selection only: it must
// never run anything.
import type { TimingStage } from '../../protocol/agent-reports.js';
import type { ScriptRecord } from '../../protocol/manifest.js';

export type ExecuteStage = 'START' | 'STOP' | 'CRON' | 'ALL';

export function isSelected(script: ScriptRecord, stage: ExecuteStage): boolean {
  switch (stage) {
    case 'START':
      return script.run_on_start;
    case 'STOP':
      return script.run_on_stop;
    case 'CRON':
      return script.cron !== '';
    case 'ALL':
      return true;
  }
}

export function timingStageOf(stage: ExecuteStage): TimingStage {
  return stage === 'ALL' ? 'START' : stage;
}
