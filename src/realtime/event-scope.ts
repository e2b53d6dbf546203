import DataLoader from 'dataloader';
import type { ExecutionResult } from 'graphql';
import type { Loaders, Viewer, ViewerSlot } from '../core/context';
import type { PrismaClient } from '../generated/prisma/client';
import type { LoaderFactory } from '../core/module';
import { EVERYTHING, type ReadPolicy } from '../core/visibility';
import {
  createCrossViewerLoaders,
  VIEWER_WINDOWS,
  viewerLoaders,
  type CrossViewerLoaders,
} from './event-loaders';

const VIEWER_ID = Symbol('viewerId');
const OWN = Symbol('own');
/** A subscriber's loaders: its windows, over the event's viewerBase, which reads these. */
type ViewerLoaderSet = Loaders & { [VIEWER_ID]: bigint; [OWN]?: Record<string, unknown> };

/** One execution of a document for all the subscribers of an event (see realtime/execute.ts). */
export interface SharedResult {
  data: NonNullable<ExecutionResult['data']>;
  slots: ViewerSlot[];
}

/** Stands in for a viewer-scoped loader in a shared execution: a field that reaches it is unmarked. */
class RefusedLoader extends DataLoader<unknown, never> {
  constructor(name: string) {
    super(() => Promise.reject(new Error(`${name} depends on the viewer: mark its field perViewer`)), {
      cache: false,
    });
  }
}

/**
 * Everything one event's delivery may read, shared by all the subscribers it reaches and
 * dropped with the event, so nothing is cached from one event to the next.
 *
 * Why not a context per subscriber, as HTTP has per request? With N subscribers that would be N
 * copies of every loader and N statements per field. Instead, loaders whose value is the same
 * for everyone (the post, its author, its media) are shared outright, and those whose value
 * depends on the viewer are keyed by (viewer, key) in one loader per event: the delivery filter
 * and the payload of one event cost a fixed number of statements, whatever N is.
 */
export class EventScope {
  /** viewer-independent loaders (built for an anonymous viewer), shared by every subscriber */
  readonly shared: Loaders;
  private readonly cross: CrossViewerLoaders;
  /** viewer-scoped loaders that no cross-viewer window replaces (see withoutWindow) */
  private readonly unwindowed: string[];
  private readonly byViewer = new Map<bigint, Loaders>();
  private readonly sharedResults = new Map<string, Promise<SharedResult | null>>();
  private sharedOnly?: Loaders;
  private base?: Loaders;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly loaderFactory: LoaderFactory,
    private readonly policy: ReadPolicy,
  ) {
    // Shared lookups apply no read policy: each subscriber was admitted to the event's post or
    // comment by `canSee` (the policy, at delivery), and what a document reaches from it without
    // a list (its author, its post) is then visible to that subscriber too. Lists, which the
    // policy filters per viewer, come from viewer-scoped loaders (see LoaderScope).
    this.shared = loaderFactory.create(prisma, null, policy, EVERYTHING);
    this.cross = createCrossViewerLoaders(prisma, policy);
    this.unwindowed = Object.entries(loaderFactory.scope)
      .filter(([name, scope]) => scope === 'viewer' && !(VIEWER_WINDOWS as readonly string[]).includes(name))
      .map(([name]) => name);
  }

  /**
   * Whether the read policy lets `viewer` see the event's post or comment ('feedPost': a post
   * in the viewer's feed streams, where mutes apply too). Checked when the event arrives, for
   * all of its subscribers in one statement.
   */
  async canSee(viewer: Viewer | null, kind: 'post' | 'feedPost' | 'comment', id: bigint): Promise<boolean> {
    if (this.policy.everythingVisible) return true;
    const pair = [viewer?.id ?? 0n, id] as const;
    return (await this.cross.sees[kind].load(pair)) !== null;
  }

  /** The shared loaders with every viewer-scoped one refusing: for shared executions. */
  get sharedOnlyLoaders(): Loaders {
    this.sharedOnly ??= {
      ...this.shared,
      ...Object.fromEntries(
        Object.entries(this.loaderFactory.scope)
          .filter(([, scope]) => scope === 'viewer')
          .map(([name]) => [name, new RefusedLoader(name)]),
      ),
    };
    return this.sharedOnly;
  }

  /** One shared execution per distinct operation, for all of this event's subscribers. */
  sharedResult(operationKey: string, run: () => Promise<SharedResult | null>): Promise<SharedResult | null> {
    let result = this.sharedResults.get(operationKey);
    if (!result) {
      result = run().catch(() => null);
      this.sharedResults.set(operationKey, result);
    }
    return result;
  }

  /** The loaders a subscriber's execution of this event uses. */
  loadersFor(viewer: Viewer | null): Loaders {
    if (viewer === null) return this.shared;
    let loaders = this.byViewer.get(viewer.id);
    if (!loaders) {
      const own: ViewerLoaderSet = Object.create(this.viewerBase());
      own[VIEWER_ID] = viewer.id;
      loaders = Object.assign(own, viewerLoaders(this.cross, viewer.id));
      this.byViewer.set(viewer.id, loaders);
    }
    return loaders;
  }

  /**
   * What every subscriber's loaders inherit: the shared ones, and the viewer-scoped ones no
   * cross-viewer window replaces (a list the policy filters, a domain's new one), which are the
   * viewer's own, so a subscriber never reads another's (or the anonymous) answers; they batch
   * per subscriber. Those are built the first time a subscriber's execution reads one: most
   * documents read none, and building every domain's loaders for every subscriber and event
   * made most of a delivery's garbage (bench:fanout, 5,000 subscribers: GC 40% of the server's
   * time). Built once per event, not per subscriber, for the same reason.
   */
  private viewerBase(): Loaders {
    if (this.base) return this.base;
    const base = { ...this.shared };
    const ownOf = (set: ViewerLoaderSet) =>
      (set[OWN] ??= this.loaderFactory.create(this.prisma, set[VIEWER_ID], this.policy) as unknown as Record<
        string,
        unknown
      >);
    for (const name of this.unwindowed)
      Object.defineProperty(base, name, {
        enumerable: true,
        configurable: true,
        get(this: ViewerLoaderSet) {
          return ownOf(this)[name];
        },
      });
    return (this.base = base);
  }

  /** False once the viewer's session was revoked or expired (anonymous has none to lose). */
  async sessionIsLive(viewer: Viewer | null): Promise<boolean> {
    return viewer === null || this.cross.liveSession.load(viewer.sessionId);
  }

  /**
   * Whether `viewerId` already followed the author of `postId` when it was posted, and the read
   * policy lets them see it in a feed stream. The follow is judged by its own timestamp, not by
   * whether it exists when the event arrives: with Redis in between, a follow made just after a
   * post may already be there when the post's event is delivered.
   */
  async followedFeedPost(viewerId: bigint, postId: bigint): Promise<boolean> {
    const found = await this.cross.followedFeedPost.load([viewerId, postId]);
    if (!found) return false;
    // The row says the viewer follows the author: a document asking (viewerIsFollowing) is
    // answered from it, and the event's follow statement reads only the other pairs.
    this.cross.followedAt.prime([viewerId, found.authorId], found.followedAt);
    return true;
  }
}

/** What the hub hands to each subscriber's iterator: the event's payload and its scope. */
export class EventEnvelope<T> {
  constructor(
    readonly scope: EventScope,
    readonly payload: T,
  ) {}
}
