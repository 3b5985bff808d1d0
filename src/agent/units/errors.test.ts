// Error texts and codes of the unit manager (§1.2): exact wrapped messages and
// errors.Is-like matching through wrapping, joining and foreign `cause` chains.
// In-process only: must never open sockets or spawn processes.
import { describe, expect, it } from 'vitest';
import { failedToAddDependency, isUnitError, UNIT_ERROR_MESSAGES, unitError, UnitError, wrapUnitError } from './errors.js';
import { UnitManager } from './manager.js';
import type { UnitErrorCode } from './types.js';

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('UnitError', () => {
  it.each(Object.entries(UNIT_ERROR_MESSAGES) as Array<[UnitErrorCode, string]>)('%s has base message %j', (code, message) => {
    const err = unitError(code);
    expect(err).toBeInstanceOf(UnitError);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe(message);
    expect(err.code).toBe(code);
    expect(isUnitError(err, code)).toBe(true);
  });

  it('wrapping prepends context and keeps the code', () => {
    const err = wrapUnitError('registering unit "x"', unitError('UNIT_ALREADY_REGISTERED'));
    expect(err.message).toBe('registering unit "x": unit already registered');
    expect(err.code).toBe('UNIT_ALREADY_REGISTERED');
    expect(isUnitError(err, 'UNIT_ALREADY_REGISTERED')).toBe(true);
    expect(isUnitError(err, 'UNIT_NOT_FOUND')).toBe(false);
  });

  it('matches through a foreign Error cause chain', () => {
    const outer = new Error('outer', { cause: new Error('middle', { cause: unitError('UNIT_NOT_FOUND') }) });
    expect(isUnitError(outer, 'UNIT_NOT_FOUND')).toBe(true);
    expect(isUnitError(outer, 'CYCLE_DETECTED')).toBe(false);
  });

  it.each([null, undefined, 'unit not found', { code: 'UNIT_NOT_FOUND' }, new Error('unit not found')])('does not match %j', (value) => {
    expect(isUnitError(value, 'UNIT_NOT_FOUND')).toBe(false);
  });

  it('the joined cycle error matches both codes', () => {
    const graphError = new UnitError('CYCLE_DETECTED', { message: 'adding edge (a -> b): cycle detected' });
    const err = failedToAddDependency('a', graphError);
    expect(err.message).toBe('adding edge for unit "a": failed to add dependency\nadding edge (a -> b): cycle detected');
    expect(isUnitError(err, 'FAILED_TO_ADD_DEPENDENCY')).toBe(true);
    expect(isUnitError(err, 'CYCLE_DETECTED')).toBe(true);
    expect(err.cause).toBe(graphError);
  });
});

describe('manager error messages (exact)', () => {
  const cases: Array<{ name: string; run: (m: UnitManager) => void; message: string; codes: UnitErrorCode[] }> = [
    {
      name: 'duplicate register',
      run: (m) => m.register('x'),
      message: 'registering unit "x": unit already registered',
      codes: ['UNIT_ALREADY_REGISTERED'],
    },
    {
      name: 'dependencies of unregistered unit',
      run: (m) => m.getAllDependencies('nope'),
      message: 'checking registration for unit "nope": unit not found',
      codes: ['UNIT_NOT_FOUND'],
    },
    {
      name: 'update unregistered unit',
      run: (m) => m.updateStatus('nope', 'started'),
      message: 'checking registration for unit "nope": unit not found',
      codes: ['UNIT_NOT_FOUND'],
    },
    {
      name: 'dependency of unregistered unit',
      run: (m) => m.addDependency('nope', 'x', 'started'),
      message: 'checking registration for unit "nope": unit not found',
      codes: ['UNIT_NOT_FOUND'],
    },
    {
      name: 'same status',
      run: (m) => m.updateStatus('x', 'pending'),
      message: 'checking status for unit "x": same status already set',
      codes: ['SAME_STATUS_ALREADY_SET'],
    },
    {
      name: 'self edge',
      run: (m) => m.addDependency('x', 'x', 'started'),
      message: 'adding edge for unit "x": failed to add dependency\nadding edge (x -> x): cycle detected',
      codes: ['FAILED_TO_ADD_DEPENDENCY', 'CYCLE_DETECTED'],
    },
    {
      name: 'two-unit cycle',
      run: (m) => {
        m.register('y');
        m.addDependency('x', 'y', 'completed');
        m.addDependency('y', 'x', 'completed');
      },
      message: 'adding edge for unit "y": failed to add dependency\nadding edge (y -> x): cycle detected',
      codes: ['FAILED_TO_ADD_DEPENDENCY', 'CYCLE_DETECTED'],
    },
    {
      name: 'empty name',
      run: (m) => m.register(''),
      message: 'unit name is required',
      codes: ['UNIT_ID_REQUIRED'],
    },
    {
      name: 'graph never initialised',
      run: (m) => m.exportDOT('units'),
      message: 'graph is not initialized',
      codes: ['GRAPH_NOT_INITIALIZED'],
    },
  ];

  it.each(cases)('$name', ({ run, message, codes }) => {
    const manager = new UnitManager();
    manager.register('x');
    const err = caught(() => run(manager));
    expect(err).toBeInstanceOf(UnitError);
    expect((err as Error).message).toBe(message);
    for (const code of codes) expect(isUnitError(err, code)).toBe(true);
  });
});
