// Scripts as units of the shared unit manager (agent.md §2.7): the unit name
// of a script, registration of all scripts at init (nameless skipped,
// duplicates tolerated, each with its warning), and the started/completed
// transitions around every run. Status updates are best effort: they must
// never throw at, fail or delay a script — errors become the warning
// `failed to update unit status`. Without a manager every call is a no-op.
import type { Logger } from 'pino';
import type { ScriptRecord } from '../../protocol/manifest.js';
import { isUnitError } from '../units/errors.js';
import type { UnitManagerApi, UnitStatus } from '../units/types.js';
import { errorText, ScriptRunnerError } from './errors.js';

/** `resource_address` if non-empty, else `display_name`; `""` = no usable name. */
export function scriptUnitName(script: Pick<ScriptRecord, 'resource_address' | 'display_name'>): string {
  return script.resource_address !== '' ? script.resource_address : script.display_name;
}

export class ScriptUnits {
  constructor(
    private readonly manager: UnitManagerApi | undefined,
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.manager !== undefined;
  }

  /**
   * Registers every script, in manifest order. Throws (UNIT_SETUP_FAILED) only
   * for errors other than a missing name or a duplicate.
   */
  registerAll(scripts: readonly ScriptRecord[]): void {
    const manager = this.manager;
    if (manager === undefined) return;
    for (const script of scripts) {
      const name = scriptUnitName(script);
      if (name === '') {
        this.logger.warn({ script_id: script.id }, 'skipping unit registration for script with no usable name');
        continue;
      }
      try {
        manager.register(name);
      } catch (err) {
        if (isUnitError(err, 'UNIT_ALREADY_REGISTERED')) {
          this.logger.warn({ unit_name: name, script_id: script.id }, 'duplicate unit name during script registration');
          continue;
        }
        throw new ScriptRunnerError('UNIT_SETUP_FAILED', `register script unit ${JSON.stringify(name)}: ${errorText(err)}`, {
          cause: err,
        });
      }
    }
  }

  /** True when `name` is a registered unit (or there is no manager to ask). */
  isRegistered(name: string): boolean {
    if (this.manager === undefined || name === '') return true;
    return this.manager.unit(name).status !== '';
  }

  markStarted(name: string): void {
    this.update(name, 'started');
  }

  markCompleted(name: string): void {
    this.update(name, 'completed');
  }

  private update(name: string, status: UnitStatus): void {
    if (this.manager === undefined || name === '') return;
    try {
      this.manager.updateStatus(name, status);
    } catch (err) {
      this.logger.warn({ unit_name: name, status, error: errorText(err) }, 'failed to update unit status');
    }
  }
}
