import { Prisma } from '../generated/prisma/client';
import type { Visibility } from '../core/visibility';

/** A notification shows at most this many actors (`actors(first:)`); actorCount counts them all. */
export const MAX_ACTORS = 10;

/**
 * The read policy applied to a notification row (alias `n`) for its recipient, the same on
 * every path (the list, the unread count, node(id), a live delivery): its post and comment
 * must be visible to them, and at least one of its actors must be someone they may be told
 * about (a block either way hides the actor; blocking also deletes the blocked account's
 * actions from the blocker's notifications, see service.forgetBetween).
 */
export function shownNotification(visible: Visibility, alias: string): Prisma.Sql {
  const n = Prisma.raw(alias);
  return Prisma.sql`(${n}.post_id IS NULL OR EXISTS (
      SELECT 1 FROM posts np WHERE np.id = ${n}.post_id AND ${visible.post('np')}))
    AND (${n}.comment_id IS NULL OR EXISTS (
      SELECT 1 FROM comments nc WHERE nc.id = ${n}.comment_id AND ${visible.comment('nc')}))
    AND EXISTS (
      SELECT 1 FROM notification_actors na WHERE na.notification_id = ${n}.id AND ${visible.actor('na.actor_id')})`;
}

/** An actor of notification `alias` that the viewer may see, for the actors' lists. */
export const shownActor = (visible: Visibility, actorAlias: string): Prisma.Sql =>
  Prisma.sql`${visible.actor(`${actorAlias}.actor_id`)} AND ${visible.userWithId(`${actorAlias}.actor_id`)}`;
