import type { Logger } from 'pino';
import type { Config } from '../config';
import type { PrismaClient } from '../generated/prisma/client';
import type { EventPublisher } from './events';
import type { ReadPolicy, Visibility } from './visibility';
import type { PasswordHashing, RateLimits } from './services';

/**
 * Every DataLoader of a request. Empty here: each domain adds its own loaders to it (TypeScript
 * declaration merging, in its loaders file), so this bottom layer names no domain and a new
 * domain's loaders are typed everywhere the moment it declares them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the domains
export interface Loaders {}

/**
 * Photo storage and processing. Empty here for the same reason as Loaders: the media domain
 * fills it in (src/media/runtime.ts).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the media domain
export interface MediaServices {}

/** The authenticated requester: the user and the session their token belongs to. */
export interface Viewer {
  id: bigint;
  sessionId: bigint;
}

/**
 * The one token check of HTTP and WebSocket alike (auth/sessions.ts): who an `Authorization`
 * value authenticates. 'anonymous' when there is none; 'refused' when it is malformed, unknown,
 * expired or revoked (the client must log in again, never silently become anonymous). A
 * database failure propagates: each transport answers it its own way.
 */
export interface SessionCheck {
  viewerOf(authorization: unknown): Promise<Viewer | 'anonymous' | 'refused'>;
  /** Call after revoking sessions of a user: no instance may accept them from then on. */
  revoked(userId: bigint): Promise<void>;
}

/** Long-lived dependencies, built once at start-up and shared by every request. */
export interface AppServices {
  config: Config;
  prisma: PrismaClient;
  log: Logger;
  passwords: PasswordHashing;
  /** announces new posts and comments to subscribers, after the write has committed */
  events: EventPublisher;
  /** abuse limits (login throttling, per-user mutation budgets), shared across instances */
  limits: RateLimits;
  /** who may see what (see core/visibility.ts) */
  policy: ReadPolicy;
  sessions: SessionCheck;
  /** where uploads go, how they become renditions, the sweeper's storage */
  media: MediaServices;
}

/**
 * What every resolver and domain service receives: one per HTTP request or subscription
 * event. Loaders live here (never in a module), so their cache lasts one request and is keyed
 * by this viewer only.
 */
export interface AppContext extends AppServices {
  requestId: string;
  viewer: Viewer | null;
  /** the client's IP address (behind TRUST_PROXY proxies: the forwarded one) */
  clientAddress: string;
  /**
   * The user a signUp or logIn in this request just issued a token to. The request itself
   * stays anonymous (its own token decides who it acts as), but that user's `isViewer` reads
   * true in the payload, as it will on every request made with the new token.
   */
  signedIn: bigint | null;
  loaders: Loaders;
  /** the read policy for this request's viewer, for statements outside the loaders */
  visible: Visibility;
  /** set only while a subscription event runs one execution shared by its subscribers */
  viewerSlots?: ViewerSlots;
}

/** A viewer-dependent field met while executing a shared template: where it goes, how to resolve it. */
export interface ViewerSlot {
  path: readonly (string | number)[];
  resolve(ctx: AppContext): unknown;
}

/**
 * Collects the viewer-dependent fields of one shared execution (see realtime/execute.ts and perViewer): the
 * result is the same for every subscriber except at these slots.
 */
export class ViewerSlots {
  readonly slots: ViewerSlot[] = [];
}
