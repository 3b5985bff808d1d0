// The dashboard's static assets under /assets/ (server.md §8.1): the
// stylesheet and the page scripts, held in memory (they are TS string
// modules, so they ship in dist/ without a bundler). Each carries a strong
// ETag of its content; responses say `no-cache`, so browsers revalidate and
// get a 304 after an upgrade-free reload. Nothing here reads the disk or the
// network.
import { createHash } from 'node:crypto';
import { TASK_SCRIPT, TASKS_SCRIPT } from './client-scripts.js';
import { DASHBOARD_STYLES } from './styles.js';

export interface Asset {
  body: string;
  contentType: string;
  etag: string;
}

function asset(body: string, contentType: string): Asset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['dashboard.css', asset(DASHBOARD_STYLES, 'text/css; charset=utf-8')],
  ['tasks.js', asset(TASKS_SCRIPT, 'text/javascript; charset=utf-8')],
  ['task.js', asset(TASK_SCRIPT, 'text/javascript; charset=utf-8')],
]);

export const ASSET_NAMES: readonly string[] = [...ASSETS.keys()];

export function findAsset(name: string): Asset | undefined {
  return ASSETS.get(name);
}

/** True when an If-None-Match header value names this ETag (or `*`). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}
