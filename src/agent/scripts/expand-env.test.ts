import { describe, expect, it } from 'vitest';
import { expandEnv, lookupIn } from './expand-env.js';

const lookup = lookupIn({ HOME: '/home/alice', USER: 'alice', A_1: 'x', EMPTY: '' });

describe('expandEnv (Go os.ExpandEnv)', () => {
  it.each([
    ['plain', 'plain'],
    ['$HOME/logs', '/home/alice/logs'],
    ['${HOME}/logs', '/home/alice/logs'],
    ['$USER-$A_1.log', 'alice-x.log'],
    ['${USER}_x', 'alice_x'],
    ['$USER_x', ''],
    ['$UNSET/a', '/a'],
    ['$EMPTY.log', '.log'],
    ['cost: 5$', 'cost: 5$'],
    ['a$/b', 'a$/b'],
    ['${', ''],
    ['x${}y', 'xy'],
    ['x${HOME', 'xHOME'],
    ['$1x', 'x'],
    ['${1}', ''],
    ['$$', ''],
  ])('%j → %j', (input, expected) => {
    expect(expandEnv(input, lookup)).toBe(expected);
  });
});
