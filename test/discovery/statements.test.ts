import { startTestApp, type TestApp } from '../support/app';
import { createPost, followUser, signUp, signUpMany, useToken, type TestUser } from '../support/scenario';

/**
 * The N+1 proof for hashtags and mentions: a feed page asking every post's hashtags and
 * mentions, and a hashtag page, send the same statements whatever the page size.
 */
let app: TestApp;
let viewer: TestUser;
beforeAll(async () => {
  app = await startTestApp();
  viewer = await signUp(app, 'st_viewer');
  const authors = await signUpMany(app, 4);
  for (const author of authors) await followUser(app, viewer, author);
  for (let n = 0; n < 60; n++) {
    const author = authors[n % authors.length]!;
    const mention = authors[(n + 1) % authors.length]!.username;
    await createPost(app, author, {
      caption: `#st_all #st_tag${n % 7} #st_n${n} with @${mention} and @st_viewer`,
    });
  }
  await useToken(app, viewer);
}, 120_000);
afterAll(() => app.stop());

const FEED = `query ($first: Int) { feed(first: $first) { edges { node {
  id caption author { username } hashtags { name postCount } mentions { username }
} } } }`;

const HASHTAG_PAGE = `query ($first: Int) { hashtag(name: "#ST_ALL") { name postCount
  posts(first: $first) { edges { node {
    id author { username } media { url } likeCount hashtags { name } mentions { username }
  } } pageInfo { hasNextPage endCursor } }
} }`;

const measure = (query: string, first: number) =>
  app.db.statements.capture(() => app.gql(query, { first }, { token: viewer.token }));

it('a feed page with every post hashtags and mentions: the same statements for 10 posts and 50', async () => {
  const [ten, fifty] = [await measure(FEED, 10), await measure(FEED, 50)];
  for (const { result } of [ten, fifty]) expect(result.errors).toBeUndefined();
  expect(fifty.result.data.feed.edges).toHaveLength(50);
  const newest = fifty.result.data.feed.edges[0].node;
  expect(newest.hashtags.map((h: any) => h.name)).toEqual(['st_all', `st_tag${59 % 7}`, 'st_n59']);
  expect(newest.hashtags[0].postCount).toBe(60);
  expect(newest.mentions.map((u: any) => u.username)).toHaveLength(2);
  console.info(
    `feed + hashtags/mentions statements: 10 -> ${ten.statements.length}, 50 -> ${fifty.statements.length}`,
  );
  expect(fifty.statements).toHaveLength(ten.statements.length);
  // the feed, the posts' hashtags, their visible post counts, the mentioned users
  expect(fifty.statements).toHaveLength(4);
});

it('a hashtag page: the same statements for 10 posts and 50', async () => {
  const [ten, fifty] = [await measure(HASHTAG_PAGE, 10), await measure(HASHTAG_PAGE, 50)];
  for (const { result } of [ten, fifty]) expect(result.errors).toBeUndefined();
  expect(ten.result.data.hashtag.postCount).toBe(60);
  expect(fifty.result.data.hashtag.posts.edges).toHaveLength(50);
  expect(fifty.result.data.hashtag.posts.edges[0].node.mentions).toHaveLength(2);
  console.info(
    `hashtag page statements: 10 -> ${ten.statements.length}, 50 -> ${fifty.statements.length}\n${fifty.statements.join('\n---\n')}`,
  );
  expect(fifty.statements).toHaveLength(ten.statements.length);
  const newest = fifty.result.data.hashtag.posts.edges[0].node;
  expect(newest.author.username).toMatch(/./);
  expect(newest.media).toEqual([{ url: expect.any(String) }]);
  // the tag, its count, its page with the posts' authors, photos and the viewer's likes, then
  // the posts' hashtags and mentions
  expect(fifty.statements).toHaveLength(5);
});
