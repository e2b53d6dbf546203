import { keyset, type KeysetSpec } from '../core/connection';

// Every post list is newest first, ties broken by id; each has its own name so a cursor of one
// list is refused by another. The columns belong to the posts table (alias p in the SQL).
const newestFirst = (name: string): KeysetSpec => ({
  name,
  direction: 'desc',
  keys: [
    { field: 'createdAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'id', type: 'bigint' },
  ],
});

export const FEED = keyset(newestFirst('feed'));
export const EXPLORE = keyset(newestFirst('explore'));
export const USER_POSTS = keyset(newestFirst('userPosts'));
