import type { RequestHandler } from 'express';

/** The types a browser's form or fetch may POST cross-site without asking first (CORS preflight). */
const SIMPLE_CONTENT_TYPES = new Set([
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
]);

/** Custom headers force a preflight, so their presence proves the request was not a simple one. */
const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'];

const MESSAGE =
  'This operation has been blocked as a potential Cross-Site Request Forgery (CSRF). Send it ' +
  "with 'content-type: application/json' (or another type than " +
  [...SIMPLE_CONTENT_TYPES].join(', ') +
  `), or with a non-empty ${PREFLIGHT_HEADERS.join(' or ')} header.`;

/**
 * Apollo's CSRF prevention, minus its refusal of GET. A simple POST (a form, or fetch with
 * `text/plain`) reaches the server without the browser asking first, so it is refused here, as
 * Apollo would. A GET is left alone: Apollo executes only queries over GET (a mutation gets
 * 405), and as Shutter authenticates by bearer token only, never by cookie, a cross-site GET
 * runs as anonymous and its answer is kept from the page by CORS. That lets clients such as
 * urql send queries as GET without a preflight. See the README's Security section.
 */
export function refuseSimplePosts(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'POST' || !isSimple(req.headers['content-type'])) return next();
    if (PREFLIGHT_HEADERS.some((name) => (req.headers[name]?.length ?? 0) > 0)) return next();
    res.status(400).json({ errors: [{ message: MESSAGE, extensions: { code: 'BAD_REQUEST' } }] });
  };
}

/** Absent, or one of the simple types whatever its parameters (`text/plain; charset=utf-8`). */
function isSimple(contentType: string | undefined): boolean {
  if (contentType === undefined) return true;
  const essence = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return SIMPLE_CONTENT_TYPES.has(essence);
}
