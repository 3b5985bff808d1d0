// Test support: finds the shared upstream fixtures and this folder's own golden
// cases and reads them as raw UTF-8. Used only by tests; must never be imported by
// production code, never trim or normalise what it reads, and never list cases by name.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAgentType, type AgentType } from '../agent-type.js';

/** The project root (`/work/main` in the shared checkout), derived from this file's location. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The shared upstream fixtures, a sibling of the project root (spec conventions). */
export const SHARED_FIXTURES = path.resolve(PROJECT_ROOT, '../shared/fixtures/agentapi');
/** This project's own golden cases (spec §6 rules, written here, not copied). */
export const OWN_TESTDATA = fileURLToPath(new URL('./', import.meta.url));

export const sharedFixturesPresent = existsSync(SHARED_FIXTURES);

export function warnIfSharedFixturesAbsent(suite: string): void {
  if (!sharedFixturesPresent) console.warn(`${suite}: ${SHARED_FIXTURES} absent, skipping shared fixtures`);
}

/** Raw file text: bytes decoded as UTF-8, nothing trimmed (a BOM would be kept). */
export function readText(file: string): string {
  return readFileSync(file).toString('utf8');
}

export function readOptionalText(file: string): string | undefined {
  return existsSync(file) ? readText(file) : undefined;
}

/** Sub-directories of `dir` in name order; none when `dir` does not exist. */
export function subdirs(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** `.txt` files of `dir` in name order; none when `dir` does not exist. */
export function textFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => path.join(dir, name));
}

export interface FormatCase {
  /** `<type>/<case>`, for test names. */
  name: string;
  type: AgentType;
  dir: string;
  msg: string;
  user: string;
  expected: string;
  expectedToolCalls: string | undefined;
}

/** All `<root>/<type>/<case>/` directories of the §6.7.1 layout. */
export function formatCases(root: string): FormatCase[] {
  return subdirs(root).flatMap((typeDir) => {
    const type = parseAgentType(typeDir);
    return subdirs(path.join(root, typeDir)).map((caseDir): FormatCase => {
      const dir = path.join(root, typeDir, caseDir);
      return {
        name: `${typeDir}/${caseDir}`,
        type,
        dir,
        msg: readText(path.join(dir, 'msg.txt')),
        user: readText(path.join(dir, 'user.txt')),
        expected: readText(path.join(dir, 'expected.txt')),
        expectedToolCalls: readOptionalText(path.join(dir, 'expected_tool_calls.txt')),
      };
    });
  });
}

/** The agent types that have a directory under `root`. */
export function typeDirs(root: string): AgentType[] {
  return subdirs(root).map(parseAgentType);
}
