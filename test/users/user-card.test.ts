import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, isObjectType, type GraphQLField } from 'graphql';
import { startTestApp, type TestApp } from '../support/app';
import {
  createCommentRow,
  createPostRow,
  followUser,
  signUp,
  useToken,
  type TestUser,
} from '../support/scenario';
import { USER_CARD_FIELDS } from '../../src/users/columns';

/**
 * A feed page and a post's page carry their authors, and their comments' authors, as cards (a
 * few columns) when the operation asks no more of them (src/users/columns.ts, UserShape). Every
 * field of User, asked through a post's author and a comment's author on either page, must
 * answer what `user(username:)` (a full user) answers, and come from a card exactly when
 * USER_CARD_FIELDS lists it: a field listed whose resolver reads a column the card lacks fails
 * here.
 */
const USER = buildSchema(fs.readFileSync(path.join(__dirname, '../../schema.graphql'), 'utf8')).getType(
  'User',
);
if (!isObjectType(USER)) throw new Error('no User type');

/** A selection of one field of User, with arguments and sub-selection where it needs them. */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const type = getNamedType(field.type);
  if (!isObjectType(type)) return field.name;
  if (type.name.endsWith('Connection')) {
    return `${field.name}(first: 2) { edges { cursor } pageInfo { hasNextPage } }`;
  }
  const scalars = Object.values(type.getFields()).filter((f) => !isObjectType(getNamedType(f.type)));
  return `${field.name} { ${scalars.map((f) => f.name).join(' ')} }`;
}

const FIELDS = Object.values(USER.getFields()).map((field) => ({
  name: field.name,
  selection: selectionOf(field),
}));

const feedAsking = (selection: string) => `{
  feed(first: 5) { edges { node {
    caption
    author { ${selection} }
    comments(first: 2) { edges { node { body author { ${selection} } } } }
  } } }
}`;
const postAsking = (selection: string) => `query ($id: ID!) {
  post(id: $id) {
    caption
    author { ${selection} }
    comments(first: 2) { edges { node { body author { ${selection} } } } }
  }
}`;
const userAsking = (selection: string) => `query ($u: String!) { user(username: $u) { ${selection} } }`;

let app: TestApp;
let viewer: TestUser;
let bob: TestUser;
let carol: TestUser;
let postId: string;
beforeAll(async () => {
  app = await startTestApp();
  viewer = await signUp(app, 'card_viewer');
  bob = await signUp(app, 'card_bob');
  carol = await signUp(app, 'card_carol');
  // Nothing left at a default: a column a card lacks would show.
  for (const [user, bio] of [
    [bob, 'Bob shoots harbours'],
    [carol, 'Carol comments'],
  ] as const) {
    const res = await app.gql(
      `mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { id } }`,
      {
        input: {
          displayName: `${user.username} shown`,
          bio,
          avatarUrl: `https://cdn.example.com/${user.username}.jpg`,
        },
      },
      { token: user.token },
    );
    expect(res.errors).toBeUndefined();
  }
  await followUser(app, viewer, bob);
  await followUser(app, bob, carol);
  await followUser(app, carol, viewer);
  const post = await createPostRow(app, bob, { caption: 'harbour' });
  postId = Buffer.from(`Post:${post.id}`).toString('base64url');
  await createCommentRow(app, post.id, carol, 'lovely');
  await useToken(app, viewer);
});
afterAll(() => app.stop());

it('lists only fields User has', () => {
  const names = new Set(FIELDS.map((f) => f.name));
  for (const field of USER_CARD_FIELDS) if (field !== '__typename') expect(names).toContain(field);
});

const PAGES = [
  {
    page: 'a feed page',
    ask: feedAsking,
    variables: () => ({}),
    post: (data: any) => data.feed.edges[0].node,
  },
  {
    page: "a post's page",
    ask: postAsking,
    variables: () => ({ id: postId }),
    post: (data: any) => data.post,
  },
];

describe.each(PAGES)('on $page', ({ ask, variables, post }) => {
  it.each(FIELDS)('User.$name answers the same as from the user', async ({ name, selection }) => {
    const { statements, result } = await app.db.statements.capture(() =>
      app.gql(ask(selection), variables(), { token: viewer.token }),
    );
    expect(result.errors).toBeUndefined();
    const shownPost = post(result.data);
    expect(shownPost.caption).toBe('harbour');
    const [comment] = shownPost.comments.edges;
    expect(comment.node.body).toBe('lovely');

    for (const [shown, user] of [
      [shownPost.author, bob],
      [comment.node.author, carol],
    ]) {
      const direct = await app.gql(userAsking(selection), { u: user.username }, { token: viewer.token });
      expect(direct.errors).toBeUndefined();
      expect(shown).toEqual(direct.data.user);
    }
    // The page's one statement carried cards exactly when the field is a card's.
    const pageStatement = statements.find((sql) => sql.includes('json_agg'));
    expect(pageStatement).toBeDefined();
    expect(/\bu\.bio\b/.test(pageStatement!)).toBe(!USER_CARD_FIELDS.has(name));
    expect(/\bcu\.bio\b/.test(pageStatement!)).toBe(!USER_CARD_FIELDS.has(name));
  });
});

it('carries full users when a fragment on another type asks for fields', async () => {
  const { statements, result } = await app.db.statements.capture(() =>
    app.gql(feedAsking('username ... on Node { id }'), {}, { token: viewer.token }),
  );
  expect(result.errors).toBeUndefined();
  expect(result.data.feed.edges[0].node.author.username).toBe(bob.username);
  expect(statements.some((sql) => /\bu\.bio\b/.test(sql))).toBe(true);
});

it('carries cards to a fragment on User, and full users to a second alias asking more', async () => {
  const card = await app.db.statements.capture(() =>
    app.gql(`fragment F on User { username avatarUrl } ${feedAsking('...F')}`, {}, { token: viewer.token }),
  );
  expect(card.result.errors).toBeUndefined();
  expect(card.result.data.feed.edges[0].node.author).toEqual({
    username: bob.username,
    avatarUrl: `https://cdn.example.com/${bob.username}.jpg`,
  });
  expect(card.statements.some((sql) => /\bu\.bio\b/.test(sql))).toBe(false);

  const full = await app.db.statements.capture(() =>
    app.gql(
      `{ feed(first: 5) { edges { node { author { username } again: author { bio followerCount } } } } }`,
      {},
      { token: viewer.token },
    ),
  );
  expect(full.result.errors).toBeUndefined();
  expect(full.result.data.feed.edges[0].node.again).toEqual({ bio: 'Bob shoots harbours', followerCount: 1 });
});
