/**
 * Hashtags and @mentions of a caption or comment body, by the rules of the contract part
 * ../shared/contract/discovery.graphql. Pure: no I/O, so the rules can be tested alone.
 *
 * The text is folded first (NFKC, then lower case, repeated until stable) and parsed after:
 * "#ｓｕｎｓｅｔ", "＃Sunset" and "#SUNSET" are then one tag, a text and its NFKC form always
 * parse alike, and the 100-character limit is counted on the name that is stored.
 */

export const MAX_HASHTAG_LENGTH = 100;
export const MAX_HASHTAGS = 30;
export const MAX_MENTIONS = 20;

/** A character a hashtag is made of: a letter, digit or mark of any script, or "_". */
const TAG_CHAR = String.raw`[\p{L}\p{N}\p{M}_]`;

/**
 * "#", not after a tag character or "&" ("a#b", "&#123;"), then the whole run of tag
 * characters (so a run too long is refused whole, never cut to 100).
 */
const HASHTAG = new RegExp(String.raw`(?<![\p{L}\p{N}\p{M}_&])#(${TAG_CHAR}+)`, 'gu');

/**
 * "@", not after a letter, digit, mark or "_" ("me@example.com"), then the run of username
 * characters. The run must end the word: "@josé" names no "jos" (a username has no "é"),
 * which the look-ahead holds against backtracking to a shorter run.
 */
const MENTION = /(?<![\p{L}\p{N}\p{M}_])@([a-z0-9_.]+)(?![\p{L}\p{N}\p{M}_.])/gu;
const USERNAME = /^[a-z0-9_.]{3,30}$/;
const ALL_DIGITS = /^\p{N}+$/u;

/**
 * NFKC and lower case until neither changes the text: one round is not always enough (a
 * lower-cased compatibility character can decompose to a capital, e.g. "ᴬ" to "A").
 */
export function foldText(text: string): string {
  let folded = text;
  for (let round = 0; round < 5; round++) {
    const next = folded.normalize('NFKC').toLowerCase();
    if (next === folded) return next;
    folded = next;
  }
  return folded;
}

/** A hashtag name or search query as stored and compared: folded, without its leading "#". */
export const normaliseHashtag = (name: string): string => foldText(name.trim()).replace(/^#/, '');

export interface ParsedText {
  /** distinct hashtag names, folded, in order of first appearance */
  hashtags: string[];
  /** distinct usernames, lower-case, in order of first appearance */
  mentions: string[];
}

const distinct = (names: Iterable<string>): string[] => [...new Set(names)];

export function parseHashtags(text: string): string[] {
  const names: string[] = [];
  for (const match of foldText(text).matchAll(HASHTAG)) {
    const name = match[1]!;
    // length in code points, as PostgreSQL's varchar(100) counts
    if ([...name].length <= MAX_HASHTAG_LENGTH && !ALL_DIGITS.test(name)) names.push(name);
  }
  return distinct(names);
}

export function parseMentions(text: string): string[] {
  const names: string[] = [];
  for (const match of foldText(text).matchAll(MENTION)) {
    // a trailing "." ends the sentence, not the name
    const name = match[1]!.replace(/\.+$/, '');
    if (USERNAME.test(name)) names.push(name);
  }
  return distinct(names);
}

export const parseText = (text: string): ParsedText => ({
  hashtags: parseHashtags(text),
  mentions: parseMentions(text),
});
