// The values this domain's GraphQL types resolve from (codegen's mappers: see codegen.ts).
import type { Notification } from '../generated/prisma/client';

/** A notification row (one group of actors); its actors, post and comment come from loaders. */
export type NotificationModel = Omit<Notification, 'groupKey'>;
