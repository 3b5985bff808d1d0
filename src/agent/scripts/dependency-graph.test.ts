import { describe, expect, it } from 'vitest';
import { dependenciesOf, findDependencyCycle } from './dependency-graph.js';
import { dependencyCycle } from './errors.js';
import { script } from './testdata/harness.js';

const named = (name: string, deps: string[]) => script({ display_name: name, depends_on: deps, script: 'true' });

describe('findDependencyCycle', () => {
  it.each([
    ['no edges', [named('a', []), named('b', [])], undefined],
    ['chain', [named('a', ['b']), named('b', ['c'])], undefined],
    ['two-cycle', [named('a', ['b']), named('b', ['a'])], ['a', 'b', 'a']],
    ['self edge', [named('a', ['a'])], ['a', 'a']],
    ['three-cycle found from the first script', [named('x', []), named('b', ['c']), named('c', ['d']), named('d', ['b'])], ['b', 'c', 'd', 'b']],
    ['declared order decides the path', [named('a', ['z', 'b']), named('b', ['a']), named('z', [])], ['a', 'b', 'a']],
    ['first script in manifest order starts the search', [named('b', ['a']), named('a', ['b'])], ['b', 'a', 'b']],
    ['edges of duplicate names merge', [named('a', []), named('b', ['a']), named('a', ['b'])], ['a', 'b', 'a']],
    ['unnamed scripts add no edges', [script({ script: 'true', depends_on: ['a'] }), named('a', [])], undefined],
    ['dependencies on unknown units are leaves', [named('a', ['X']), named('b', ['X', 'a'])], undefined],
  ])('%s', (_name, scripts, cycle) => {
    expect(findDependencyCycle(scripts)).toEqual(cycle);
  });

  it('formats the upstream-style message', () => {
    expect(dependencyCycle(['a', 'b', 'a']).message).toBe('script dependency cycle detected: a -> b -> a');
  });

  it('normalises depends_on: no empty names, no repeats, declared order', () => {
    expect(dependenciesOf({ depends_on: ['b', '', 'a', 'b'] })).toEqual(['b', 'a']);
  });
});
