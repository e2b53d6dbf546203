import type { TestApp } from '../support/app';
import type { TestUser } from '../support/scenario';

/** Runs one mutation as `user`; throws with the errors when the API refuses it. */
export async function act<T = any>(
  app: TestApp,
  user: TestUser,
  mutation: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await app.gql<T>(mutation, variables, { token: user.token });
  if (res.errors) throw new Error(`${mutation} failed: ${JSON.stringify(res.errors)}`);
  return res.data;
}

export const setPrivate = (app: TestApp, user: TestUser, isPrivate: boolean) =>
  act(app, user, `mutation ($p: Boolean!) { updateProfile(input: { isPrivate: $p }) { id isPrivate } }`, {
    p: isPrivate,
  });

const onUser = (field: string) => `mutation ($id: ID!) { ${field}(userId: $id) { id } }`;

export const block = (app: TestApp, user: TestUser, target: TestUser) =>
  act(app, user, onUser('block'), { id: target.id });
export const unblock = (app: TestApp, user: TestUser, target: TestUser) =>
  act(app, user, onUser('unblock'), { id: target.id });
export const mute = (app: TestApp, user: TestUser, target: TestUser) =>
  act(app, user, onUser('mute'), { id: target.id });
export const unfollow = (app: TestApp, user: TestUser, target: TestUser) =>
  act(app, user, onUser('unfollow'), { id: target.id });

/** The ids of every node of a connection in `data` at `path` (empty when any step is null). */
export function idsAt(data: unknown, path: string[]): string[] {
  let node: any = data;
  for (const key of path) node = node?.[key];
  return ((node?.edges ?? []) as { node: { id: string } }[]).map((edge) => edge.node.id);
}

/** The requester's pending requests as the account sees them: [request id, requester id]. */
export async function pendingRequests(app: TestApp, account: TestUser): Promise<[string, string][]> {
  const data = await app.gql<{
    followRequests: { edges: { node: { id: string; from: { id: string } } }[] };
  }>(`{ followRequests(first: 100) { edges { node { id from { id } } } } }`, {}, { token: account.token });
  if (data.errors) throw new Error(JSON.stringify(data.errors));
  return data.data.followRequests.edges.map(({ node }) => [node.id, node.from.id]);
}
