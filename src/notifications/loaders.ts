import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { Loaders } from '../core/context';
import { createLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';
import { bigintArray } from '../core/sql';
import type { Visibility } from '../core/visibility';
import { userFromJson, userJson, type UserJson, type UserModel } from '../users/columns';
import { notificationColumns } from './columns';
import type { NotificationModel } from './models';
import { MAX_ACTORS, shownActor, shownNotification } from './shown';

/**
 * The first MAX_ACTORS actors the viewer may see of notification `alias`, most recent first,
 * as one JSON array of users (for a statement that selects notifications, or a batch of them).
 */
export function actorsJson(alias: string, visible: Visibility): Prisma.Sql {
  return Prisma.sql`coalesce((
    SELECT json_agg(${userJson('au')} ORDER BY a.acted_at DESC, a.actor_id DESC)
    FROM (
      SELECT na.actor_id, na.acted_at FROM notification_actors na
      WHERE na.notification_id = ${Prisma.raw(alias)}.id AND ${shownActor(visible, 'na')}
      ORDER BY na.acted_at DESC, na.actor_id DESC
      LIMIT ${MAX_ACTORS}
    ) a
    JOIN users au ON au.id = a.actor_id
  ), '[]')`;
}

/** The actors a statement fetched as `actorsJson`, each handed to the request's user loader. */
export function actorsFromJson(json: UserJson[], loaders: Pick<Loaders, 'userById'>): UserModel[] {
  return json.map((row) => {
    const user = userFromJson(row);
    loaders.userById.prime(user.id, user);
    return user;
  });
}

function createNotificationLoaders({
  prisma,
  viewerId,
  visible,
  loaders,
}: DataDeps & { loaders: Pick<Loaders, 'userById'> }) {
  return {
    /**
     * A notification by id as stored, for any recipient and without the read policy: an event's
     * payload, loaded once for the recipient's sockets, each of which checks it at delivery.
     */
    notificationById: createLoader(
      (ids: readonly bigint[]) => prisma.$queryRaw<NotificationModel[]>`
        SELECT ${notificationColumns('n')} FROM notifications n WHERE n.id = ANY(${bigintArray(ids)})`,
      (row) => row.id,
    ),
    /** The viewer's own notification by id, as the read policy lets them see it (node(id)). */
    viewerNotificationById: createLoader(
      (ids: readonly bigint[]) => fetchOwn(prisma, viewerId, visible, ids),
      (row) => row.id,
    ),
    /** The actors the viewer may see of each notification, most recent first (at most MAX_ACTORS). */
    actorsByNotificationId: createLoader(
      async (ids: readonly bigint[]) => {
        const rows = await prisma.$queryRaw<{ id: bigint; actors: UserJson[] }[]>`
          SELECT n.id, ${actorsJson('n', visible)} AS actors
          FROM notifications n WHERE n.id = ANY(${bigintArray(ids)})`;
        return rows.map((row) => ({ id: row.id, actors: actorsFromJson(row.actors, loaders) }));
      },
      (row) => row.id,
    ),
  };
}

async function fetchOwn(
  prisma: PrismaClient,
  viewerId: bigint | null,
  visible: Visibility,
  ids: readonly bigint[],
): Promise<NotificationModel[]> {
  if (viewerId === null) return [];
  return prisma.$queryRaw<NotificationModel[]>`
    SELECT ${notificationColumns('n')} FROM notifications n
    WHERE n.id = ANY(${bigintArray(ids)}) AND n.recipient_id = ${viewerId} AND ${shownNotification(visible, 'n')}`;
}

export const notificationLoaders = domainLoaders(createNotificationLoaders, {
  notificationById: 'event',
  viewerNotificationById: 'viewer',
  actorsByNotificationId: 'viewer',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createNotificationLoaders> {}
}
