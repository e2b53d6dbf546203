import type { UpdateProfileInput } from '../generated/graphql';
import type { AppContext } from '../core/context';
import { requireViewer } from '../core/viewer';
import { checkHttpUrl, checkLength, longerThan } from '../core/validate';
import { USER_SELECT, userColumns, type UserModel } from './columns';

/** Fields left out or null keep their value; an empty avatarUrl removes the avatar. */
export async function updateProfile(ctx: AppContext, input: UpdateProfileInput): Promise<UserModel> {
  const viewer = requireViewer(ctx);
  const data: { displayName?: string; bio?: string; avatarUrl?: string | null } = {};
  if (input.displayName != null)
    data.displayName = checkLength('displayName', input.displayName.trim(), 1, 64);
  if (input.bio != null) data.bio = checkLength('bio', input.bio, 0, 150);
  if (input.avatarUrl != null)
    data.avatarUrl = input.avatarUrl === '' ? null : checkHttpUrl('avatarUrl', input.avatarUrl);
  const user = await ctx.prisma.user.update({ where: { id: viewer.id }, data, select: USER_SELECT });
  ctx.loaders.userById.clear(user.id).prime(user.id, user);
  return user;
}

export async function findByUsername(ctx: AppContext, username: string): Promise<UserModel | null> {
  const normalized = username.trim().toLowerCase();
  if (longerThan(normalized, 30)) return null;
  const [user] = await ctx.prisma.$queryRaw<UserModel[]>`
    SELECT ${userColumns('u')} FROM users u WHERE u.username = ${normalized} AND ${ctx.visible.user('u')}`;
  return user ?? null;
}

export async function findViewer(ctx: AppContext): Promise<UserModel | null> {
  return ctx.viewer ? ctx.loaders.userById.load(ctx.viewer.id) : null;
}
