/**
 * The layers of src/, checked by `npm run lint` (dependency-cruiser). Imports point down only:
 *   top       main, server/, graphql/ (schema assembly), modules.ts (the list of domains)
 *   domains   auth, users, posts, comments, likes, follows, feed, search, media, safety, notifications
 *   bottom    core/ (errors, ids, pagination, loaders, context types), config/, db/, security/,
 *             realtime/ (pub/sub, fan-out hub, per-event loaders: what a domain's events use)
 * and nothing anywhere (src/ or bench/) may import in a circle, type imports included.
 */
const TOP = '^src/(main\\.ts|modules\\.ts|server/|graphql/)';
const DOMAINS =
  '^src/(auth|users|posts|comments|likes|follows|feed|search|media|safety|discovery|notifications)/';
const BOTTOM = '^src/(core|config|db|security|realtime)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: the files of a cycle cannot be understood, tested or moved apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'bottom-imports-up',
      severity: 'error',
      comment: 'The bottom layer serves every domain and knows none of them.',
      from: { path: BOTTOM, pathNot: '^src/db/(cli|seed)' },
      to: { path: [TOP, DOMAINS] },
    },
    {
      name: 'core-imports-bottom-services',
      severity: 'error',
      comment:
        'core (errors, ids, pagination, context and service types) is the floor: only config is below it.',
      from: { path: '^src/core/' },
      to: { path: '^src/(db|security|realtime)/' },
    },
    {
      name: 'domain-imports-top',
      severity: 'error',
      comment: 'A domain is assembled by the top layer; it never imports the assembly.',
      from: { path: DOMAINS },
      to: { path: TOP },
    },
    {
      name: 'nothing-imports-main',
      severity: 'error',
      from: {},
      to: { path: '^src/main\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/generated/' },
    // type-only imports count: a cycle of types is still a cycle to a reader
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
