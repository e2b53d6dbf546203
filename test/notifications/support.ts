import type { TestApp } from '../support/app';
import type { TestUser } from '../support/scenario';

/** What a client shows of a notification. */
export const NOTIFICATION_FIELDS = `id kind actorCount read createdAt updatedAt
  actor { username } actors { username } post { id caption } comment { id body }`;

export const NOTIFICATIONS = `query ($first: Int, $after: String) {
  notifications(first: $first, after: $after) {
    edges { cursor node { ${NOTIFICATION_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const UNREAD = `{ unreadNotificationCount }`;
export const MARK_READ = `mutation ($upTo: ID) { markNotificationsRead(upTo: $upTo) }`;
export const NOTIFICATION_RECEIVED = `subscription { notificationReceived { ${NOTIFICATION_FIELDS} } }`;

export interface ShownNotification {
  id: string;
  kind: string;
  actorCount: number;
  read: boolean;
  updatedAt: string;
  actor: { username: string };
  actors: { username: string }[];
  post: { id: string; caption: string } | null;
  comment: { id: string; body: string } | null;
}

/** The user's first page of notifications (fails the test on an error). */
export async function notificationsOf(
  app: TestApp,
  user: TestUser,
  first = 20,
): Promise<ShownNotification[]> {
  const res = await app.gql(NOTIFICATIONS, { first }, { token: user.token });
  if (res.errors) throw new Error(`notifications failed: ${JSON.stringify(res.errors)}`);
  return res.data.notifications.edges.map((edge: any) => edge.node);
}

/** kind:actors, most recently updated first: a compact picture of the list. */
export async function summaryOf(app: TestApp, user: TestUser): Promise<string[]> {
  return (await notificationsOf(app, user)).map(
    (n) =>
      `${n.kind}:${n.actors.map((a) => a.username).join(',')}${n.actorCount > 3 ? `+${n.actorCount - 3}` : ''}`,
  );
}

export async function unreadCount(app: TestApp, user: TestUser): Promise<number> {
  const res = await app.gql(UNREAD, {}, { token: user.token });
  if (res.errors) throw new Error(`unreadNotificationCount failed: ${JSON.stringify(res.errors)}`);
  return res.data.unreadNotificationCount;
}

export async function mutate(
  app: TestApp,
  user: TestUser,
  query: string,
  variables: Record<string, unknown>,
) {
  const res = await app.gql(query, variables, { token: user.token });
  if (res.errors) throw new Error(`mutation failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export const FOLLOW = `mutation ($id: ID!) { follow(userId: $id) { id } }`;
export const UNFOLLOW = `mutation ($id: ID!) { unfollow(userId: $id) { id } }`;
export const UNLIKE = `mutation ($id: ID!) { unlikePost(postId: $id) { id } }`;
export const BLOCK = `mutation ($id: ID!) { block(userId: $id) { id } }`;
export const DELETE_COMMENT = `mutation ($id: ID!) { deleteComment(id: $id) }`;
export const DELETE_POST = `mutation ($id: ID!) { deletePost(id: $id) }`;
export const MAKE_PRIVATE = `mutation { updateProfile(input: { isPrivate: true }) { id } }`;
export const FOLLOW_REQUESTS = `{ followRequests(first: 10) { edges { node { id } } } }`;
export const ACCEPT = `mutation ($id: ID!) { acceptFollowRequest(id: $id) { id } }`;
export const DECLINE = `mutation ($id: ID!) { declineFollowRequest(id: $id) }`;
