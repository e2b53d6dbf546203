import type { Resolvers } from '../generated/graphql';
import type { PrismaClient } from '../generated/prisma/client';
import type { AppContext, Loaders } from './context';
import type { z } from 'zod';
import type { EventOf, RealtimeEvents, RealtimeEventType } from './events';
import type { NodeType } from './global-id';
import type { ReadPolicy, Visibility } from './visibility';
import type { LimitedActions } from './services';

/**
 * Whether the subscribers of one event may share a loader ('event': its answers are the same
 * for every viewer the event reaches, e.g. a post or its author by id) or each needs their own
 * ('viewer': e.g. viewerHasLiked, and every list the read policy filters per viewer, such as a
 * post's comments: the event's shared loaders apply no policy, see realtime/event-scope.ts).
 */
export type LoaderScope = 'event' | 'viewer';

/** What a domain's loaders are built from, once per request (or per event and viewer). */
export interface DataDeps {
  prisma: PrismaClient;
  viewerId: bigint | null;
  /** the read policy for this viewer: every statement returning users, posts or comments applies it */
  visible: Visibility;
}

export interface LoaderDeps extends DataDeps {
  /** the request's loaders of every domain, for priming one from another's rows (read lazily) */
  loaders: Loaders;
}

export interface DomainLoaders<L extends object = object> {
  create(deps: LoaderDeps): L;
  scope: Record<keyof L, LoaderScope>;
}

/** Builds a request's loaders from every domain's (see server/context.ts). */
export interface LoaderFactory {
  create(prisma: PrismaClient, viewerId: bigint | null, policy: ReadPolicy, visible?: Visibility): Loaders;
  scope: Readonly<Record<string, LoaderScope>>;
}

/** A domain's loaders with the scope of each: a loader without one is a compile error. */
export const domainLoaders = <L extends object>(
  create: (deps: LoaderDeps) => L,
  scope: Record<keyof L, LoaderScope>,
): DomainLoaders<L> => ({ create, scope });

/**
 * Everything a domain contributes to the server; the server assembles the list of modules
 * (src/modules.ts), so adding a domain is a folder plus one line there.
 */
export interface DomainModule {
  name: string;
  /** its part of the schema (SDL; types it shares with other domains are merged by name) */
  typeDefs: string;
  resolvers: Resolvers;
  loaders?: DomainLoaders;
  /** the Node types it owns: how `node(id:)` loads one, through the same loaders as its fields */
  nodes?: Partial<Record<NodeType, (ctx: AppContext, id: bigint) => Promise<object | null>>>;
  /** the realtime events it publishes: how each travels and reaches its subscribers */
  events?: EventDefinitions;
  /** its mutations that spend a budget on every call (security/limited-mutations.ts) */
  limits?: LimitedActions;
}

/** How one event type travels and reaches its subscribers (see realtime/hub.ts). */
export interface EventDefinition<T extends RealtimeEventType = RealtimeEventType> {
  /** What may arrive on its channel: anything else is dropped (Redis messages are untrusted). */
  schema: z.ZodType<RealtimeEvents[T]>;
  /** The local trigger its subscribers listen on, e.g. one per post. */
  trigger(event: EventOf<T>): string;
  /** Its payload, loaded once per event for all of its subscribers; null: nothing to deliver. */
  load(loaders: Loaders, event: EventOf<T>): Promise<object | null>;
}

export type EventDefinitions = { readonly [T in RealtimeEventType]?: EventDefinition<T> };
