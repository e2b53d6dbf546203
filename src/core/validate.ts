import { badUserInput } from './errors';

/**
 * The one validation style: small checks that return the normalized value or throw
 * BAD_USER_INPUT naming the input field. Lengths count Unicode code points, as users do.
 */
export const length = (value: string): number => [...value].length;

/**
 * `length(value) > max` without counting a huge string: code points never outnumber UTF-16
 * units, nor are they fewer than half of them.
 */
export const longerThan = (value: string, max: number): boolean =>
  value.length > max && (value.length > 2 * max || length(value) > max);

// NUL cannot be stored in a PostgreSQL text column, and a lone UTF-16 surrogate cannot be
// encoded as UTF-8 at all (it would be stored as U+FFFD, silently changing what was sent).
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /[\u0000\p{Cs}]/u;

/** Text PostgreSQL stores exactly as sent: no NUL character, no unpaired surrogate. */
export const isStorableText = (value: string): boolean => !UNSTORABLE.test(value);

export function checkLength(field: string, value: string, min: number, max: number): string {
  if (longerThan(value, max) || length(value) < min) {
    const rule = min === 0 ? `at most ${max}` : `${min} to ${max}`;
    throw badUserInput(field, `${field} must be ${rule} characters long.`);
  }
  return value;
}

export function checkHttpUrl(field: string, value: string, max = 2048): string {
  checkLength(field, value, 1, max);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badUserInput(field, `${field} must be an http(s) URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badUserInput(field, `${field} must be an http(s) URL.`);
  }
  return value;
}

export function checkIntRange(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw badUserInput(field, `${field} must be between ${min} and ${max}.`);
  }
  return value;
}
