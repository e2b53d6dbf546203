import { keyset } from '../core/connection';

// The viewer's own lists (alias s over blocks or mutes): most recent first, ties broken by the
// listed user's id, which is also the row's `id` once joined to users.
export const BLOCKED = keyset({
  name: 'blockedUsers',
  direction: 'desc',
  keys: [
    { field: 'listedAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'blocked_id', type: 'bigint' },
  ],
});

export const MUTED = keyset({
  name: 'mutedUsers',
  direction: 'desc',
  keys: [
    { field: 'listedAt', column: 'created_at', type: 'date' },
    { field: 'id', column: 'muted_id', type: 'bigint' },
  ],
});
