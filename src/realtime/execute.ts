import { createSourceEventStream, execute, print, type ExecutionArgs, type ExecutionResult } from 'graphql';
import type { AppContext, Loaders } from '../core/context';
import { ViewerSlots } from '../core/context';
import { EventEnvelope, type SharedResult } from './event-scope';
import { mapEvents } from './iterators';

/**
 * graphql-js's `subscribe`, except for how each event executes. graphql-ws takes this as its
 * `subscribe` option.
 *
 * An event reaches every subscriber of its trigger at once, and most of them sent the same
 * document: executing it once per subscriber would cost N executions of the same fields over
 * the same rows (graphql-js execution, not SQL, is what bounds fan-out). So the first
 * subscriber of each distinct (document, variables) executes it once, anonymously, with the
 * event's shared loaders, recording the viewer-dependent fields it meets (see perViewer);
 * every subscriber then gets a copy of that result with those fields resolved for itself,
 * through the event's cross-viewer loaders (one statement per field for all subscribers).
 * When the shared execution fails, or a subscriber's own field does, that subscriber gets a
 * full execution of its own, with its own errors.
 *
 * Each execution uses the loaders of the event's scope, never those of the context built when
 * the subscription started: those would cache across events (stale flags).
 */
export async function subscribePerEvent(
  args: ExecutionArgs,
): Promise<ExecutionResult | AsyncIterableIterator<ExecutionResult>> {
  const stream = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in stream)) return stream; // the subscribe resolver refused
  const subscriber = args.contextValue as AppContext;
  // The subscription's own loaders served its subscribe resolver and no event after it (each
  // brings its scope's): let them go, instead of holding them for the life of the socket
  // (bench:fanout, heap per idle connection).
  subscriber.loaders = RELEASED;
  const operationKey = `${args.operationName ?? ''}\n${JSON.stringify(args.variableValues ?? {})}\n${print(args.document)}`;
  return mapEvents(stream, (event) =>
    event instanceof EventEnvelope
      ? deliver(args, event, operationKey, subscriber)
      : execute({ ...args, rootValue: event }),
  );
}

const RELEASED = new Proxy({} as Loaders, {
  get(_target, name) {
    throw new Error(
      `loader ${String(name)} used after subscribe: an event executes with its scope's loaders`,
    );
  },
});

async function deliver(
  args: ExecutionArgs,
  event: EventEnvelope<unknown>,
  operationKey: string,
  subscriber: AppContext,
): Promise<ExecutionResult> {
  const own: AppContext = { ...subscriber, loaders: event.scope.loadersFor(subscriber.viewer) };
  const shared = await event.scope.sharedResult(operationKey, () => executeShared(args, event, subscriber));
  const personal = shared && (await personalize(shared, own));
  return personal ?? execute({ ...args, rootValue: event, contextValue: own });
}

/** The event's result as an anonymous viewer sees it, and where it differs per viewer. */
async function executeShared(
  args: ExecutionArgs,
  event: EventEnvelope<unknown>,
  subscriber: AppContext,
): Promise<SharedResult | null> {
  const viewerSlots = new ViewerSlots();
  const anonymous: AppContext = {
    ...subscriber,
    viewer: null,
    signedIn: null,
    loaders: event.scope.sharedOnlyLoaders,
    viewerSlots,
  };
  const result = await execute({ ...args, rootValue: event, contextValue: anonymous });
  if (result.errors || !result.data) return null;
  // graphql-js builds result objects with Object.create(null), which V8 keeps as dictionaries:
  // every subscriber's copy (withValuesAt) and serialisation of them took the slow paths
  // (bench:fanout). The same tree as ordinary objects, built once per event: the data is
  // already JSON (graphql-ws serialises nothing else).
  return { data: JSON.parse(JSON.stringify(result.data)) as SharedResult['data'], slots: viewerSlots.slots };
}

/** A copy of the shared result with this subscriber's own values in its slots; null on failure. */
async function personalize(shared: SharedResult, own: AppContext): Promise<ExecutionResult | null> {
  if (shared.slots.length === 0) return { data: shared.data }; // the same for everyone
  try {
    const values = await Promise.all(shared.slots.map((slot) => slot.resolve(own)));
    if (values.some((value) => value === null || value === undefined)) return null;
    return { data: withValuesAt(shared.data, shared.slots, values) };
  } catch {
    return null; // the full execution reports it, with the path and code a client expects
  }
}

/**
 * `data` with `values[i]` at `slots[i].path`. Only the objects and arrays on those paths are
 * copied; everything else is shared with `data`, which every subscriber's result reads and
 * nothing writes (graphql-ws only serialises it). A whole copy per subscriber (structuredClone)
 * was most of personalize's cost at 5,000 subscribers.
 */
function withValuesAt(
  data: Record<string, unknown>,
  slots: readonly { path: readonly (string | number)[] }[],
  values: readonly unknown[],
): Record<string, unknown> {
  type Node = any; // eslint-disable-line @typescript-eslint/no-explicit-any -- a JSON tree
  const copies = new Map<Node, Node>();
  const copyOf = (node: Node): Node => {
    let copy = copies.get(node);
    if (!copy) copies.set(node, (copy = Array.isArray(node) ? node.slice() : { ...node }));
    return copy;
  };
  const root = copyOf(data);
  slots.forEach(({ path }, i) => {
    let original: Node = data;
    let copy: Node = root;
    for (let k = 0; k < path.length - 1; k++) {
      original = original[path[k]!];
      copy = copy[path[k]!] = copyOf(original);
    }
    copy[path[path.length - 1]!] = values[i];
  });
  return root;
}
