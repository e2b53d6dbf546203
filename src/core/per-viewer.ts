import type { GraphQLResolveInfo } from 'graphql';
import type { AppContext } from './context';

/**
 * Marks a field whose value depends on who asks (viewerHasLiked, isViewer, ...). A normal
 * execution resolves it as usual. A shared execution (ctx.viewerSlots set, one per event for
 * all the subscribers of one document) records a slot and returns the placeholder; each
 * subscriber's copy of the result then gets the field resolved with its own context.
 *
 * A field that depends on the viewer without this mark cannot leak one viewer's value to
 * another: the shared execution runs anonymously, and the viewer-scoped loaders refuse it.
 */
export function perViewer<P, A, R>(
  resolve: (parent: P, args: A, ctx: AppContext, info: GraphQLResolveInfo) => R,
  placeholder: NoInfer<Awaited<R>>,
) {
  return (parent: P, args: A, ctx: AppContext, info: GraphQLResolveInfo): R | Awaited<R> => {
    if (!ctx.viewerSlots) return resolve(parent, args, ctx, info);
    ctx.viewerSlots.slots.push({
      path: pathOf(info.path),
      resolve: (own) => resolve(parent, args, own, info),
    });
    return placeholder;
  };
}

function pathOf(path: GraphQLResolveInfo['path'] | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let p = path; p; p = p.prev) keys.unshift(p.key);
  return keys;
}
