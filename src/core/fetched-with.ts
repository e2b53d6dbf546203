/**
 * Values a statement fetched together with a row (a feed post's author, photos, the viewer's
 * like and first comments; a comment's author), carried by the row object itself, so that
 * field resolvers return them at once. Priming the request's loaders gives the same values
 * through a promise per field, and graphql-js then completes each post asynchronously: with
 * the values on the row a feed page of 20 posts resolves ~140 fields without a promise
 * (bench: see feed/service.ts). A row without them resolves through its loaders as always.
 */
const FETCHED_WITH = Symbol('fetchedWith');

type Carrier<F> = { [FETCHED_WITH]?: F };

/** Returns `row`, now carrying `fetched`. */
export function carry<R extends object, F>(row: R, fetched: F): R {
  (row as R & Carrier<F>)[FETCHED_WITH] = fetched;
  return row;
}

/** What `row` was fetched with, if anything. */
export const fetchedWith = <F>(row: object): F | undefined => (row as Carrier<F>)[FETCHED_WITH];
