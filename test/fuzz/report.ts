import type { FuzzCase } from './cases';
import type { Reply } from './http';
import { toJson, type Operation } from './operation';

/** Each part of a failure message is cut to this many characters. */
const MAX_PART = 700;

/**
 * A readable account of a failed request: what was sent (escaped, long runs collapsed,
 * global IDs and cursors decoded), what came back, and what was wrong with it.
 */
export function describeFailure(
  fuzzCase: FuzzCase,
  operation: Operation,
  reply: Reply,
  problems: string[],
): string {
  const envelope =
    fuzzCase.transport === 'http' && fuzzCase.envelope !== 'plain' ? `, ${fuzzCase.envelope}` : '';
  const status = reply.status === undefined ? 'WebSocket' : `HTTP ${reply.status}`;
  const decoded = decodedStrings(fuzzCase.args).map((line) => `  decoded:   ${line}`);
  return [
    `${fuzzCase.target.coordinate} over ${fuzzCase.transport} as ${fuzzCase.identity}${envelope}`,
    `  operation: ${printable(operation.query)}`,
    `  variables: ${printable(toJson(operation.variables))}`,
    ...decoded,
    `  response:  ${status} ${printable(typeof reply.body === 'string' ? reply.body : toJson(reply.body))}`,
    ...problems.map((problem) => `  problem:   ${problem}`),
  ].join('\n');
}

/**
 * ASCII only (other characters as \uXXXX, so NUL, bidi and zero-width ones show), a run of
 * 16 or more of one character collapsed to "<char>…×N", cut to MAX_PART characters.
 */
export function printable(text: string): string {
  const collapsed = text.replace(/(.)\1{15,}/gsu, (run, char: string) => `${char}…×${[...run].length}`);
  const escaped = collapsed.replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > MAX_PART
    ? `${escaped.slice(0, MAX_PART)}… (${escaped.length} characters)`
    : escaped;
}

/** Strings among the arguments that are base64url of "Type:id" or of a JSON array (a cursor). */
function decodedStrings(value: unknown): string[] {
  if (typeof value === 'string') {
    const text = decodeBase64Url(value);
    return text !== null && (text.startsWith('[') || /^[A-Za-z]*:/.test(text))
      ? [`${printable(value)} = ${printable(text)}`]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap(decodedStrings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(decodedStrings);
  return [];
}

function decodeBase64Url(text: string): string | null {
  if (!/^[A-Za-z0-9_-]{4,}$/.test(text)) return null;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  return Buffer.from(decoded).toString('base64url') === text ? decoded : null;
}
