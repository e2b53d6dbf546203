/**
 * Relay against Shutter, without React: log in, read the feed and a profile a page at a time
 * (@connection), like a post, and watch postCreated prepend a new post to the feed
 * (@prependNode). The operations are in ./operations; relay-compiler turns them into the
 * artifacts imported here (`npm run codegen:clients`).
 *
 *   SHUTTER_URL=http://localhost:4000/graphql SHUTTER_LOGIN=demo SHUTTER_PASSWORD=shutter-demo \
 *     npx tsx examples/relay/main.ts
 */
import { createClient, type Sink } from 'graphql-ws';
import {
  ConnectionHandler,
  Environment,
  Network,
  Observable,
  RecordSource,
  ROOT_ID,
  Store,
  commitMutation,
  createOperationDescriptor,
  fetchQuery,
  getSelector,
  requestSubscription,
  type ConcreteRequest,
  type GraphQLResponse,
  type MutationParameters,
  type OperationType,
  type ReaderFragment,
  type SingularReaderSelector,
} from 'relay-runtime';
import WebSocket from 'ws';
import feedPaginationQuery, {
  type FeedPaginationQuery,
} from './operations/__generated__/FeedPaginationQuery.graphql';
import postCreatedSubscription from './operations/__generated__/FeedPostCreatedSubscription.graphql';
import feedQuery, { type FeedQuery } from './operations/__generated__/FeedQuery.graphql';
import feedFragment, { type Feed_query$data } from './operations/__generated__/Feed_query.graphql';
import likeMutation, { type PostLikeMutation } from './operations/__generated__/PostLikeMutation.graphql';
import postFragment, { type Post_post$data } from './operations/__generated__/Post_post.graphql';
import profilePostsPaginationQuery, {
  type ProfilePostsPaginationQuery,
} from './operations/__generated__/ProfilePostsPaginationQuery.graphql';
import profileQuery, { type ProfileQuery } from './operations/__generated__/ProfileQuery.graphql';
import profileFragment, { type Profile_user$data } from './operations/__generated__/Profile_user.graphql';
import logInMutation, {
  type SessionLogInMutation,
} from './operations/__generated__/SessionLogInMutation.graphql';

const url = process.env.SHUTTER_URL ?? 'http://localhost:4000/graphql';
let token: string | null = null;

const wsClient = createClient({
  url: url.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: () => ({ authorization: `Bearer ${token}` }),
});

const environment = new Environment({
  network: Network.create(
    async (operation, variables) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify({ query: operation.text, variables }),
      });
      return (await response.json()) as GraphQLResponse;
    },
    // (graphql-ws types a result's data as possibly null, Relay as possibly undefined)
    (operation, variables) =>
      Observable.create((sink) =>
        wsClient.subscribe(
          { operationName: operation.name, query: operation.text!, variables },
          sink as Sink,
        ),
      ),
  ),
  store: new Store(new RecordSource()),
});

/** Runs a query and keeps its data in the store (data no one retains may be collected). */
async function query<T extends OperationType>(request: ConcreteRequest, variables: T['variables']) {
  const operation = createOperationDescriptor(request, variables);
  environment.retain(operation);
  await fetchQuery<T>(environment, request, variables).toPromise();
  return environment.lookup(operation.fragment).data as T['response'];
}

const mutate = <T extends MutationParameters>(mutation: ConcreteRequest, variables: T['variables']) =>
  new Promise<T['response']>((onCompleted, onError) =>
    commitMutation<T>(environment, { mutation, variables, onCompleted, onError }),
  );

/** What a component's useFragment would return. */
const read = <T>(fragment: ReaderFragment, ref: unknown): T =>
  environment.lookup(getSelector(fragment, ref) as SingularReaderSelector).data as T;

const captions = ({ edges }: { edges: readonly { node: unknown }[] }) =>
  edges.map((edge) => read<Post_post$data>(postFragment, edge.node).caption);

async function main() {
  const { logIn } = await mutate<SessionLogInMutation>(logInMutation, {
    input: {
      login: process.env.SHUTTER_LOGIN ?? 'demo',
      password: process.env.SHUTTER_PASSWORD ?? 'shutter-demo',
    },
  });
  token = logIn.token;

  // Two posts a page: the next page is appended to the same connection in the store.
  const root = await query<FeedQuery>(feedQuery, {});
  const { feed } = read<Feed_query$data>(feedFragment, root);
  console.log('feed:', captions(feed));
  await query<FeedPaginationQuery>(feedPaginationQuery, { cursor: feed.pageInfo.endCursor });
  console.log('feed after the next page:', captions(read<Feed_query$data>(feedFragment, root).feed));

  const first = read<Post_post$data>(postFragment, feed.edges[0]!.node);
  const { user } = await query<ProfileQuery>(profileQuery, { username: first.author.username });
  const profile = read<Profile_user$data>(profileFragment, user);
  const cursor = profile.posts.pageInfo.endCursor;
  await query<ProfilePostsPaginationQuery>(profilePostsPaginationQuery, { id: profile.id, cursor });
  console.log(`${profile.username}'s posts:`, captions(read<Profile_user$data>(profileFragment, user).posts));

  // The response updates the Post record that every fragment reads: nothing to write by hand.
  await mutate<PostLikeMutation>(likeMutation, { postId: first.id });
  const liked = read<Post_post$data>(postFragment, feed.edges[0]!.node);
  console.log('liked:', liked.caption, liked.viewerHasLiked, liked.likeCount);

  const connections = [ConnectionHandler.getConnectionID(ROOT_ID, 'Feed_feed')];
  await new Promise<void>((resolve, reject) => {
    const subscription = requestSubscription(environment, {
      subscription: postCreatedSubscription,
      variables: { connections },
      onNext: () => {
        subscription.dispose();
        resolve();
      },
      onError: reject,
    });
    console.log('subscribed to postCreated');
  });
  console.log('feed after postCreated:', captions(read<Feed_query$data>(feedFragment, root).feed));
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => wsClient.dispose());
