/**
 * The benchmark's GraphQL operations and, for each workload, the source of its requests:
 * request i of a pass is a pure function of i and the dataset, so runs are reproducible.
 */
import type { HttpRequest, RequestSource } from './load';
import { BENCH_PASSWORD, viewerToken, type DatasetSpec } from './dataset';

export const HOME_FEED = `query HomeFeed($after: String, $first: Int = 20) {
  feed(first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        caption
        createdAt
        author { id username displayName avatarUrl }
        media { url altText width height }
        likeCount
        commentCount
        viewerHasLiked
        comments(first: 3) { edges { node { id body author { username } } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const PROFILE = `query Profile($username: String!) {
  user(username: $username) {
    id username displayName bio avatarUrl postCount followerCount followingCount viewerIsFollowing
    posts(first: 12) {
      edges { node { id likeCount commentCount media { url width height } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const POST_DETAIL = `query PostDetail($id: ID!) {
  post(id: $id) {
    id caption createdAt editedAt likeCount commentCount viewerHasLiked
    author { id username avatarUrl viewerIsFollowing }
    media { url altText width height }
    comments(first: 20) {
      edges { cursor node { id body createdAt author { id username avatarUrl } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const HASHTAG_PAGE = `query HashtagPage($name: String!) {
  hashtag(name: $name) {
    id name postCount
    posts(first: 20) {
      edges {
        cursor
        node {
          id caption createdAt
          author { id username displayName avatarUrl }
          media { url altText width height }
          likeCount commentCount viewerHasLiked
          hashtags { name }
          mentions { username }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

const CREATE_POST = `mutation CreatePost($input: CreatePostInput!) {
  createPost(input: $input) { id createdAt }
}`;

const LIKE_POST = `mutation LikePost($postId: ID!) {
  likePost(postId: $postId) { id likeCount viewerHasLiked }
}`;

const ADD_COMMENT = `mutation AddComment($input: AddCommentInput!) {
  addComment(input: $input) { id createdAt }
}`;

const NOTIFICATIONS = `query Notifications($after: String) {
  unreadNotificationCount
  notifications(first: 20, after: $after) {
    edges {
      node {
        id kind actorCount read updatedAt
        actors { id username avatarUrl }
        post { id caption }
        comment { id body }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;

const LOG_IN = `mutation LogIn($input: LogInInput!) {
  logIn(input: $input) { token user { id username } }
}`;

export const globalId = (type: 'User' | 'Post' | 'Comment', id: number | bigint) =>
  Buffer.from(`${type}:${id}`).toString('base64url');

/** A cheap deterministic hash of (i, salt) to [0, 1). */
function pick(i: number, salt: number): number {
  let x = (Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(salt + 0x27d4eb2f, 0xc2b2ae35)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return x / 4294967296;
}
const pickInt = (i: number, salt: number, n: number) => Math.floor(pick(i, salt) * n);

export interface WorkloadContext {
  spec: DatasetSpec;
  /** user ids that have a session (tokens are viewerToken(id)) */
  viewers: number[];
  /** each viewer's page-2 cursor (viewers whose feed has a second page) */
  secondPageCursors: Map<number, string>;
  /** differs per pass so passes do not replay the same requests */
  passSeed: number;
  /** posts every viewer may see, for the writes (set on a --privacy dataset; all posts otherwise) */
  writablePosts?: number[];
}

const graphql = (query: string, variables: object, viewer?: number): HttpRequest => ({
  body: JSON.stringify({ query, variables }),
  headers: viewer === undefined ? {} : { authorization: `Bearer ${viewerToken(viewer)}` },
});

/** One viewer's home feed, the page after `after` (the first page by default). */
export const feedRequest = (viewer: number, after: string | null = null, first = 20): HttpRequest =>
  graphql(HOME_FEED, first === 20 ? { after } : { after, first }, viewer);

export type WorkloadName =
  | 'feed'
  | 'feed50'
  | 'feedPage2'
  | 'profile'
  | 'postDetail'
  | 'writeMix'
  | 'logIn'
  | 'hashtagPage'
  | 'createPost'
  | 'createPostTagged'
  | 'likePost'
  | 'notifications';

export const WORKLOADS: Record<
  WorkloadName,
  { title: string; source: (ctx: WorkloadContext) => RequestSource }
> = {
  feed: {
    title: 'home feed, page 1 (20 posts, 3 comments each)',
    source: (ctx) => (i) => feedRequest(viewerOf(ctx, i)),
  },
  feed50: {
    title: 'home feed, page 1 of 50 posts (3 comments each)',
    source: (ctx) => (i) => feedRequest(viewerOf(ctx, i), null, 50),
  },
  feedPage2: {
    title: 'home feed, page 2 by cursor',
    source: (ctx) => {
      const viewers = [...ctx.secondPageCursors.keys()];
      return (i) => {
        const viewer = viewers[pickInt(i, ctx.passSeed + 1, viewers.length)]!;
        return graphql(HOME_FEED, { after: ctx.secondPageCursors.get(viewer) }, viewer);
      };
    },
  },
  profile: {
    title: 'profile with its first 12 posts',
    source: (ctx) => (i) =>
      graphql(
        PROFILE,
        { username: `user${1 + pickInt(i, ctx.passSeed + 2, ctx.spec.users)}` },
        viewerOf(ctx, i),
      ),
  },
  postDetail: {
    title: 'post detail with 20 comments',
    source: (ctx) => (i) =>
      graphql(
        POST_DETAIL,
        { id: globalId('Post', 1 + pickInt(i, ctx.passSeed + 3, ctx.spec.posts)) },
        viewerOf(ctx, i),
      ),
  },
  writeMix: {
    title: '90% home feed, 10% writes (createPost, likePost, addComment)',
    source: (ctx) => {
      const feed = WORKLOADS.feed.source(ctx);
      return (i) => {
        const roll = pick(i, ctx.passSeed + 4);
        if (roll >= 0.1) return feed(i);
        return writeOf(ctx, i, Math.floor(roll * 30));
      };
    },
  },
  hashtagPage: {
    title: 'hashtag page: one of the 100 most used tags, 20 posts with authors, photos, counts, tags',
    source: (ctx) => (i) =>
      graphql(HASHTAG_PAGE, { name: `#Tag${1 + pickInt(i, ctx.passSeed + 7, 100)}` }, viewerOf(ctx, i)),
  },
  createPost: {
    title: 'createPost, a caption without hashtags or mentions',
    source: (ctx) => (i) => writeOf(ctx, i, 0),
  },
  createPostTagged: {
    title: 'createPost, a caption with 30 hashtags and 20 mentions',
    source: (ctx) => (i) => taggedPost(ctx, i),
  },
  likePost: {
    title: 'likePost of a random post (with the author notified)',
    source: (ctx) => (i) => writeOf(ctx, i, 10),
  },
  notifications: {
    title: 'notifications page (20, with actors, posts, comments) and the unread count',
    source: (ctx) => (i) => graphql(NOTIFICATIONS, { after: null }, viewerOf(ctx, i)),
  },
  logIn: {
    title: 'logIn (argon2id verify + session)',
    source: (ctx) => (i) =>
      graphql(LOG_IN, {
        input: { login: `user${1 + pickInt(i, ctx.passSeed + 5, ctx.spec.users)}`, password: BENCH_PASSWORD },
      }),
  },
};

const viewerOf = (ctx: WorkloadContext, i: number) =>
  ctx.viewers[pickInt(i, ctx.passSeed, ctx.viewers.length)]!;
const randomPost = (ctx: WorkloadContext, i: number) =>
  globalId(
    'Post',
    ctx.writablePosts
      ? ctx.writablePosts[pickInt(i, ctx.passSeed + 6, ctx.writablePosts.length)]!
      : 1 + pickInt(i, ctx.passSeed + 6, ctx.spec.posts),
  );

/** One of the three writes, each a third of the time. */
export function writeOf(ctx: WorkloadContext, i: number, kind: number): HttpRequest {
  const viewer = viewerOf(ctx, i);
  if (kind < 10) {
    return graphql(
      CREATE_POST,
      {
        input: {
          caption: `Bench post ${ctx.passSeed}/${i}: evening light over the bay`,
          media: [
            { url: `https://cdn.example.com/bench/${ctx.passSeed}/${i}.jpg`, width: 1080, height: 1350 },
          ],
        },
      },
      viewer,
    );
  }
  if (kind < 20) return graphql(LIKE_POST, { postId: randomPost(ctx, i) }, viewer);
  return graphql(ADD_COMMENT, { input: { postId: randomPost(ctx, i), body: `Lovely shot (${i})` } }, viewer);
}

/**
 * createPost at the contract's limits: 30 distinct hashtags (existing ones, drawn like the
 * dataset's) and 20 distinct mentions of existing users, in a caption of the same kind.
 */
export function taggedPost(ctx: WorkloadContext, i: number): HttpRequest {
  const tags = new Set<number>();
  for (let j = 0; tags.size < 30; j++)
    tags.add(1 + Math.floor(ctx.spec.hashtags * pick(i, ctx.passSeed + 100 + j) ** 2));
  const users = new Set<number>();
  for (let j = 0; users.size < 20; j++) users.add(1 + pickInt(i, ctx.passSeed + 200 + j, ctx.spec.users));
  const caption =
    `Bench post ${ctx.passSeed}/${i}: evening light over the bay with ` +
    `${[...users].map((u) => `@user${u}`).join(' ')} ${[...tags].map((t) => `#tag${t}`).join(' ')}`;
  return graphql(
    CREATE_POST,
    {
      input: {
        caption,
        media: [{ url: `https://cdn.example.com/bench/${ctx.passSeed}/${i}.jpg`, width: 1080, height: 1350 }],
      },
    },
    viewerOf(ctx, i),
  );
}
