import { describe, expect, it } from 'vitest';
import { cellWidth, isControl } from './cell-width.js';

describe('cellWidth', () => {
  it.each([
    ['0041', 1],
    ['4E16', 2],
    ['AC00', 2],
    ['FF21', 2],
    ['1F680', 2],
    ['0301', 0],
    ['001B', 0],
    ['0085', 0],
    ['00E9', 1],
  ])('U+%s → %i', (hex, width) => {
    expect(cellWidth(parseInt(hex, 16))).toBe(width);
  });
});

describe('isControl', () => {
  it.each([
    ['0000', true],
    ['001B', true],
    ['007F', true],
    ['009B', true],
    ['0020', false],
    ['00A0', false],
  ])('U+%s → %s', (hex, expected) => {
    expect(isControl(parseInt(hex, 16))).toBe(expected);
  });
});
