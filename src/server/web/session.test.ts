// Where the login page may send a browser afterwards: only to a path on this
// server (an open redirect would turn the login page into a phishing aid).
import { describe, expect, it } from 'vitest';
import { loginLocation, safeNext } from './session.js';

describe('safeNext', () => {
  it.each([
    [undefined, '/tasks'],
    ['', '/tasks'],
    ['/tasks/admin/t1', '/tasks/admin/t1'],
    ['/tasks?x=1', '/tasks?x=1'],
    ['//evil.example/x', '/tasks'],
    ['/\\evil.example', '/tasks'],
    ['https://evil.example/', '/tasks'],
    ['javascript:alert(1)', '/tasks'],
    ['tasks', '/tasks'],
    ['/tasks\r\nSet-Cookie: x=1', '/tasks'],
    ['/login', '/tasks'],
    ['/login?next=/x', '/tasks'],
    ['/logout', '/tasks'],
  ])('%j → %j', (raw, expected) => {
    expect(safeNext(raw)).toBe(expected);
  });
});

describe('loginLocation', () => {
  it.each([
    ['/tasks', '/login'],
    ['/tasks/admin/t1', '/login?next=%2Ftasks%2Fadmin%2Ft1'],
    ['//evil.example', '/login'],
  ])('%j → %j', (path, expected) => {
    expect(loginLocation(path)).toBe(expected);
  });
});
