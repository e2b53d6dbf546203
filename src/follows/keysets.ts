import { keyset } from '../core/connection';

// Both lists page over the follows table (alias f): most recent follow first, ties broken by
// the listed user's id, which is also the row's `id` once joined to users.
export const FOLLOWERS = keyset({
  name: 'followers',
  direction: 'desc',
  keys: [
    { field: 'followedAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'follower_id', type: 'bigint' },
  ],
});

export const FOLLOWING = keyset({
  name: 'following',
  direction: 'desc',
  keys: [
    { field: 'followedAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'followee_id', type: 'bigint' },
  ],
});

/** A private account's pending follow requests, newest first (alias r). */
export const FOLLOW_REQUESTS = keyset({
  name: 'followRequests',
  direction: 'desc',
  keys: [
    { field: 'createdAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'id', type: 'bigint' },
  ],
});
