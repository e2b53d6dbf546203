/** Set-up against the running servers before anything is timed. */
import { requestJson } from './load';
import { log } from './log';
import type { ServerProcess } from './processes';
import type { DatasetResult } from './types';
import { feedRequest } from './workloads';

type FeedPage = {
  data: { feed: { edges: unknown[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };
};

/** Both servers must return the same data (pages 1 and 2, and a page of 50) before anything is timed. */
export async function verifyFeeds(
  shutter: ServerProcess,
  floor: ServerProcess,
  viewers: number[],
): Promise<DatasetResult['verification']> {
  let pages = 0;
  for (const viewer of viewers) {
    let after: string | null = null;
    for (let page = 1; page <= 2; page++) {
      const request = feedRequest(viewer, after);
      const [a, b] = await Promise.all([requestJson(shutter.url, request), requestJson(floor.url, request)]);
      // Only the data: extensions (e.g. a cost report) are not part of the answer.
      const difference = firstDifference((a as FeedPage).data, (b as FeedPage).data, '/data');
      if (difference) {
        throw new Error(`verification failed for viewer ${viewer}, page ${page}: ${difference}`);
      }
      pages++;
      const feed = (a as FeedPage).data.feed;
      log(`  verified viewer ${viewer} page ${page}: ${feed.edges.length} posts identical`);
      after = feed.pageInfo.endCursor;
      if (!after) break;
    }
    // and a page of 50 (the feed50 workload)
    const request = feedRequest(viewer, null, 50);
    const [a, b] = await Promise.all([requestJson(shutter.url, request), requestJson(floor.url, request)]);
    const difference = firstDifference((a as FeedPage).data, (b as FeedPage).data, '/data');
    if (difference) throw new Error(`verification failed for viewer ${viewer}, first 50: ${difference}`);
    pages++;
    log(`  verified viewer ${viewer} first 50: ${(a as FeedPage).data.feed.edges.length} posts identical`);
  }
  return { viewers, pages, identical: true };
}

/** Each viewer's page-2 cursor, for the viewers whose feed has a second page (asked of the floor). */
export async function secondPageCursors(
  floor: ServerProcess,
  viewers: number[],
): Promise<Map<number, string>> {
  const cursors = new Map<number, string>();
  const queue = [...viewers];
  const worker = async () => {
    for (let viewer = queue.shift(); viewer !== undefined; viewer = queue.shift()) {
      const json = (await requestJson(floor.url, feedRequest(viewer))) as FeedPage;
      const { hasNextPage, endCursor } = json.data.feed.pageInfo;
      if (hasNextPage && endCursor) cursors.set(viewer, endCursor);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return cursors;
}

/** The first path where two JSON values differ, or null. */
function firstDifference(a: unknown, b: unknown, at: string): string | null {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    return `${at || '/'}: ${JSON.stringify(a)?.slice(0, 200)} vs ${JSON.stringify(b)?.slice(0, 200)}`;
  }
  if (a && typeof a === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const key of keys) {
      const d = firstDifference(ao[key], bo[key], `${at}/${key}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}
