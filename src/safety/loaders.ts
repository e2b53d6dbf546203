import type { PrismaClient } from '../generated/prisma/client';
import { createExistsLoader } from '../core/loader';
import { domainLoaders, type DataDeps } from '../core/module';

function createSafetyLoaders({ prisma, viewerId }: DataDeps) {
  return {
    /** key: a user id -> whether the viewer blocked them (always false when anonymous) */
    viewerBlocksByUserId: createExistsLoader((userIds: readonly bigint[]) =>
      viewerId === null ? Promise.resolve([]) : blockedAmong(prisma, viewerId, userIds),
    ),
    /** key: a user id -> whether the viewer muted them (always false when anonymous) */
    viewerMutesByUserId: createExistsLoader((userIds: readonly bigint[]) =>
      viewerId === null ? Promise.resolve([]) : mutedAmong(prisma, viewerId, userIds),
    ),
  };
}

export const safetyLoaders = domainLoaders(createSafetyLoaders, {
  viewerBlocksByUserId: 'viewer',
  viewerMutesByUserId: 'viewer',
});

// This domain's loaders, in every request's `ctx.loaders`.
declare module '../core/context' {
  interface Loaders extends ReturnType<typeof createSafetyLoaders> {}
}

/** Which of `userIds` the viewer blocked: one lookup on the (blocker_id, blocked_id) key. */
async function blockedAmong(prisma: PrismaClient, viewerId: bigint, userIds: readonly bigint[]) {
  const rows = await prisma.block.findMany({
    where: { blockerId: viewerId, blockedId: { in: [...userIds] } },
    select: { blockedId: true },
  });
  return rows.map((row) => row.blockedId);
}

/** Which of `userIds` the viewer muted: one lookup on the (muter_id, muted_id) key. */
async function mutedAmong(prisma: PrismaClient, viewerId: bigint, userIds: readonly bigint[]) {
  const rows = await prisma.mute.findMany({
    where: { muterId: viewerId, mutedId: { in: [...userIds] } },
    select: { mutedId: true },
  });
  return rows.map((row) => row.mutedId);
}
