/**
 * What each viewer sees of an account, by the viewer's relation to it and the account's kind:
 * the specification of ../shared/contract/privacy.graphql as a table. The visibility matrix test
 * (visibility-matrix.test.ts) asks the server every cell, and the README's "Privacy" section is
 * this table rendered (the test fails when they differ).
 */
export const RELATIONS = [
  ['anonymous', 'no token'],
  ['self', 'the account itself'],
  ['follower', 'an accepted follower'],
  ['requester', 'asked to follow, not answered (private accounts only; a stranger otherwise)'],
  ['stranger', 'signed in, no relation'],
  ['blocked', 'blocked by the account'],
  ['blocker', 'blocked the account'],
  ['muter', 'follows the account and muted it'],
] as const;

export type Relation = (typeof RELATIONS)[number][0];

export const KINDS = ['public', 'private'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * [read path, what "seen" means, expected for a public account, for a private one]; each
 * expectation is one character per relation, in RELATIONS order: Y seen, - not seen.
 */
export const MATRIX: readonly [string, string, string, string][] = [
  ['user(username)', 'the profile is returned', 'YYYYY-YY', 'YYYYY-YY'],
  ['node(id) of the user', 'the profile is returned', 'YYYYY-YY', 'YYYYY-YY'],
  ['User.viewerCanSeeContent', 'true (profile shown)', 'YYYYY--Y', '-YY----Y'],
  ['post(id)', 'its post is returned', 'YYYYY--Y', '-YY----Y'],
  ['node(id) of the post', 'its post is returned', 'YYYYY--Y', '-YY----Y'],
  ['User.posts', 'its post is listed', 'YYYYY--Y', '-YY----Y'],
  ['User.followers', 'its follower is listed', 'YYYYY--Y', '-YY----Y'],
  ['User.following', 'the account it follows is listed', 'YYYYY--Y', '-YY----Y'],
  ['feed', 'its post is in the home feed', '-YY-----', '-YY-----'],
  ['explore', 'its post is listed', 'YYYYY--Y', '-YY----Y'],
  ['searchUsers', 'the account is found', 'YYYYY-YY', 'YYYYY-YY'],
  ['hashtag(name) (a tag only its post carries)', 'the tag is returned', 'YYYYY--Y', '-YY----Y'],
  ['Hashtag.posts (a tag it shares with another account)', 'its post is listed', 'YYYYY--Y', '-YY----Y'],
  ["Post.mentions (another's public post)", 'the account is listed', 'YYYYY-YY', 'YYYYY-YY'],
  ["Comment.mentions (another's comment)", 'the account is listed', 'YYYYY-YY', 'YYYYY-YY'],
  ["Post.comments (another's public post)", 'its comment is listed', 'YYYYY--Y', 'YYYYY--Y'],
  ['Comment.author (in that list)', 'its comment shows its author', 'YYYYY--Y', 'YYYYY--Y'],
  ['node(id) of its comment', 'the comment is returned', 'YYYYY--Y', 'YYYYY--Y'],
  ["Post.likedBy (another's public post)", 'the account is listed', 'YYYYY-YY', 'YYYYY-YY'],
  ['postCreated', 'its new post is delivered', '-YY-----', '-YY-----'],
  ["commentAdded (another's public post)", 'its new comment is delivered', 'YYYYY--Y', 'YYYYY--Y'],
  ['notifications (its post mentions the viewer)', 'the mention is listed', '--YYY--Y', '--Y----Y'],
];

export const expected = (row: readonly [string, string, string, string], kind: Kind, relation: Relation) =>
  row[kind === 'public' ? 2 : 3][RELATIONS.findIndex(([name]) => name === relation)] === 'Y';

/** The table as the README shows it. */
export function renderMatrix(): string {
  const mark = (cell: string) => (cell === 'Y' ? 'yes' : '—');
  const head = RELATIONS.map(([name]) => name);
  const lines = [
    `| read path (seen: …) | kind | ${head.join(' | ')} |`,
    `|---|---|${head.map(() => '---').join('|')}|`,
  ];
  for (const [path, seen, pub, priv] of MATRIX) {
    lines.push(`| ${path} (${seen}) | public | ${[...pub].map(mark).join(' | ')} |`);
    lines.push(`| | private | ${[...priv].map(mark).join(' | ')} |`);
  }
  lines.push('', ...RELATIONS.map(([name, meaning]) => `- **${name}**: ${meaning}`));
  return lines.join('\n');
}
