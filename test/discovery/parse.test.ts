import fc from 'fast-check';
import { MAX_HASHTAG_LENGTH, parseHashtags, parseMentions, parseText } from '../../src/discovery/parse';

/**
 * The parsing rules of ../shared/contract/discovery.graphql, as properties over generated
 * text (fast-check) and as a table of the tricky cases.
 */

/** Pieces that exercise the rules: markers, every kind of tag character, separators, folding. */
const PIECES = [
  '#',
  '@',
  '#',
  '@',
  ' ',
  '.',
  '&',
  '_',
  '-',
  '/',
  ';',
  '\n',
  'a',
  'Z',
  'é',
  'e\u0301',
  '5',
  '٣',
  '中',
  '日本',
  'ß',
  'İ',
  'ᴬ',
  'ﬁ',
  'ｓ',
  'Ｓ',
  '＃',
  '＠',
  '①',
  '²',
  '🌅',
  '👍🏽',
  'ا',
  'َ',
  'ك',
  'ㄱ',
  '\u0301',
  'x'.repeat(99),
  '9'.repeat(100),
  'ab',
  'me',
  'sunset',
];
const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PIECES) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const text = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));
const words = fc.array(fc.constantFrom(...PIECES), { maxLength: 10 }).map((parts) => parts.join(''));

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789');
const alnumRun = (min: number, max: number) =>
  fc.array(alnum, { minLength: min, maxLength: max }).map((c) => c.join(''));
/** local@domain, the local part ending in a letter or digit as real addresses do */
const email = fc
  .tuple(
    alnumRun(0, 6),
    fc.constantFrom('', '.', '_', '-', '+'),
    alnumRun(1, 8),
    alnumRun(3, 10),
    fc.constantFrom('com', 'co.uk', 'io'),
  )
  .map(([a, sep, b, host, tld]) => `${a}${sep}${b}@${host}.${tld}`);
/** a URL whose fragment follows a path segment or a query, as links are written */
const url = fc
  .tuple(alnumRun(3, 10), alnumRun(1, 8), fc.constantFrom('', '?q=1', '?tag=x&y=2'), alnumRun(1, 12))
  .map(([host, path, query, fragment]) => `https://${host}.com/${path}${query}#${fragment}`);
const entity = fc.oneof(
  fc.integer({ min: 0, max: 0x10ffff }).map((n) => `&#${n};`),
  fc.integer({ min: 0, max: 0x10ffff }).map((n) => `&#x${n.toString(16)};`),
);
/** a hashtag or mention marker inside a word: "a#b", "x@yyy" */
const inWord = fc
  .tuple(fc.constantFrom('a', 'Z', 'é', '5', '中', '_', 'ا'), fc.constantFrom('#', '@'), alnumRun(3, 12))
  .map(([before, marker, after]) => `${before}${marker}${after}`);

const RUNS = { numRuns: 2000 };

describe('hashtag and mention parsing: properties', () => {
  it('parses a text and its NFKC form alike', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(parseText(t.normalize('NFKC'))).toEqual(parseText(t));
      }),
      RUNS,
    );
  });

  it('is stable: the tags found, written out again, parse to themselves', () => {
    fc.assert(
      fc.property(text, (t) => {
        const { hashtags, mentions } = parseText(t);
        expect(parseHashtags(hashtags.map((h) => `#${h}`).join(' '))).toEqual(hashtags);
        expect(parseMentions(mentions.map((m) => `@${m}`).join(' '))).toEqual(mentions);
      }),
      RUNS,
    );
  });

  it('never returns a tag that is all digits or longer than 100 characters, nor a duplicate', () => {
    fc.assert(
      fc.property(text, (t) => {
        const tags = parseHashtags(t);
        expect(new Set(tags).size).toBe(tags.length);
        for (const tag of tags) {
          expect([...tag].length).toBeGreaterThanOrEqual(1);
          expect([...tag].length).toBeLessThanOrEqual(MAX_HASHTAG_LENGTH);
          expect(tag).not.toMatch(/^\p{N}+$/u);
          expect(tag).toMatch(/^[\p{L}\p{N}\p{M}_]+$/u);
        }
        for (const name of parseMentions(t)) expect(name).toMatch(/^[a-z0-9_.]{3,30}$/);
      }),
      RUNS,
    );
  });

  it.each([
    ['an e-mail address', email],
    ['a URL fragment', url],
    ['an HTML entity', entity],
    ['a word', inWord],
  ])('never finds a tag or mention inside %s', (_what, inside) => {
    fc.assert(
      fc.property(words, inside, words, (before, middle, after) => {
        expect(parseText(`${before} ${middle} ${after}`)).toEqual(parseText(`${before} ${after}`));
      }),
      RUNS,
    );
  });
});

describe('hashtag and mention parsing: tricky cases', () => {
  it.each<[string, string[], string[]]>([
    ['#Sunset #SUNSET #sunset', ['sunset'], []],
    ['#ｓｕｎｓｅｔ at dusk', ['sunset'], []],
    ['＃Sunset ＠Meg', ['sunset'], ['meg']],
    ['#a_b and #_', ['a_b', '_'], []],
    ['#123 #2024 #1st', ['1st'], []],
    ['#٣٤٥ (Arabic-Indic digits only)', [], []],
    ['##x', ['x'], []],
    ['a#b 5#c _#d', [], []],
    ['&#123; &#x1F600; &#sunset', [], []],
    ['#東京 #日本の夏', ['東京', '日本の夏'], []],
    ['#مَرْحَبًا', ['مَرْحَبًا'], []],
    ['#café #cafe\u0301', ['café'], []],
    ['#Straße', ['straße'], []],
    ['#🌅 #sun🌅set', ['sun'], []],
    ['#ﬁne', ['fine'], []],
    [`#${'x'.repeat(100)}`, ['x'.repeat(100)], []],
    [`#${'x'.repeat(101)}`, [], []],
    ['#tag,#other.#third!', ['tag', 'other', 'third'], []],
    ['@me.', [], []],
    ['@meg. and @Meg', [], ['meg']],
    ['me@x.com', [], []],
    ['write to meg@example.com or @meg', [], ['meg']],
    ['@a.b.c @a__b @ab', [], ['a.b.c', 'a__b']],
    [`@${'a'.repeat(30)} @${'b'.repeat(31)}`, [], ['a'.repeat(30)]],
    ['@josé @jos_é @jos', [], ['jos']],
    ['(@meg) "@ivan", @hana!', [], ['meg', 'ivan', 'hana']],
    ['https://example.com/page#top', [], []],
  ])('%s', (input, hashtags, mentions) => {
    expect(parseText(input)).toEqual({ hashtags, mentions });
  });
});
