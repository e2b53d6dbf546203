/**
 * Apollo Client 4 against Shutter, typed by graphql-codegen's client preset: log in, read the
 * feed through a fragment, like a post, and wait for a new post on postCreated (graphql-ws).
 * `graphql()` returns typed documents from ./__generated__ (`npm run codegen:clients`).
 *
 *   SHUTTER_URL=http://localhost:4000/graphql SHUTTER_LOGIN=demo SHUTTER_PASSWORD=shutter-demo \
 *     npx tsx examples/apollo/main.ts
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { OperationTypeNode } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { getFragmentData, graphql } from './__generated__';

const url = process.env.SHUTTER_URL ?? 'http://localhost:4000/graphql';
let token: string | null = null;

const wsClient = createClient({
  url: url.replace(/^http/, 'ws'),
  webSocketImpl: WebSocket,
  connectionParams: () => ({ authorization: `Bearer ${token}` }),
});

const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: ApolloLink.split(
    ({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION,
    new GraphQLWsLink(wsClient),
    new SetContextLink(({ headers }) => ({
      headers: { ...headers, ...(token && { authorization: `Bearer ${token}` }) },
    })).concat(new HttpLink({ uri: url })),
  ),
});

const PostCard = graphql(`
  fragment PostCard on Post {
    id
    caption
    author {
      username
    }
    likeCount
    viewerHasLiked
    media {
      id
      url
    }
  }
`);

const LogIn = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      token
    }
  }
`);

const Feed = graphql(`
  query Feed($first: Int) {
    feed(first: $first) {
      edges {
        node {
          ...PostCard
        }
      }
    }
  }
`);

const LikePost = graphql(`
  mutation LikePost($postId: ID!) {
    likePost(postId: $postId) {
      ...PostCard
    }
  }
`);

const PostCreated = graphql(`
  subscription PostCreated {
    postCreated {
      ...PostCard
    }
  }
`);

async function main() {
  const login = {
    login: process.env.SHUTTER_LOGIN ?? 'demo',
    password: process.env.SHUTTER_PASSWORD ?? 'shutter-demo',
  };
  const { data: session } = await client.mutate({ mutation: LogIn, variables: { input: login } });
  token = session!.logIn.token;

  const { data } = await client.query({ query: Feed, variables: { first: 3 } });
  const posts = data!.feed.edges.map((edge) => getFragmentData(PostCard, edge.node));
  console.log(
    'feed:',
    posts.map((post) => post.caption),
  );

  await client.mutate({ mutation: LikePost, variables: { postId: posts[0]!.id } });
  // The cache is normalised by id: the feed read from it again shows the like.
  const cached = client.readQuery({ query: Feed, variables: { first: 3 } });
  const liked = getFragmentData(PostCard, cached!.feed.edges[0]!.node);
  console.log('liked:', liked.caption, liked.viewerHasLiked, liked.likeCount);

  const created = await new Promise<string>((resolve, reject) => {
    const subscription = client.subscribe({ query: PostCreated }).subscribe({
      next: ({ data, error }) => {
        if (error) return reject(error);
        subscription.unsubscribe();
        resolve(getFragmentData(PostCard, data!.postCreated).caption);
      },
      error: reject,
    });
    console.log('subscribed to postCreated');
  });
  console.log('postCreated:', created);
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => wsClient.dispose());
