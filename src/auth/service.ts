import type { LogInInput, SignUpInput } from '../generated/graphql';
import type { User } from '../generated/prisma/client';
import type { AppContext } from '../core/context';
import { uniqueViolation } from '../db/errors';
import { retryOnConflict } from '../db/retry';
import { badUserInput, unauthenticated } from '../core/errors';
import { checkLength, longerThan } from '../core/validate';
import { userFromRow } from '../users/columns';
import { openSession, revokeSession } from './sessions';
import type { AuthPayloadModel } from './models';
import { requireViewer } from '../core/viewer';

export const USERNAME_PATTERN = /^[a-z0-9_.]{3,30}$/;
// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is proven by
// mail, not by a regex.
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LOGIN_FAILED = 'Invalid login or password.';
const MAX_EMAIL = 254;
// In code points, as every length here: what signUp accepts, logIn and changePassword accept.
const PASSWORD = { min: 8, max: 128 };

export function normalizeUsername(raw: string): string {
  const username = raw.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) {
    throw badUserInput('username', 'username must be 3 to 30 characters of a-z, 0-9, _ and .');
  }
  return username;
}

function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (longerThan(email, MAX_EMAIL) || !EMAIL_PATTERN.test(email))
    throw badUserInput('email', 'email is not a valid address.');
  return email;
}

export const checkPassword = (field: string, password: string): string =>
  checkLength(field, password, PASSWORD.min, PASSWORD.max);

export async function signUp(ctx: AppContext, input: SignUpInput): Promise<AuthPayloadModel> {
  const username = normalizeUsername(input.username);
  const email = normalizeEmail(input.email);
  checkPassword('password', input.password);
  const displayName = checkLength('displayName', input.displayName?.trim() || username, 1, 64);
  const passwordHash = await ctx.passwords.hash(input.password);
  try {
    // The user and their first session are written together or not at all.
    const payload = await retryOnConflict(() =>
      ctx.prisma.$transaction(async (tx) => {
        const user = await tx.user.create({ data: { username, email, passwordHash, displayName } });
        const token = await openSession(tx, user.id, ctx.config.SESSION_TTL_DAYS);
        return { token, user: userFromRow(user) };
      }),
    );
    ctx.signedIn = payload.user.id;
    return payload;
  } catch (error) {
    // Two concurrent sign-ups of one name: the database's unique index decides, and the
    // loser gets the same answer as if the name had been taken earlier.
    const violated = uniqueViolation(error);
    if (violated?.includes('email')) throw badUserInput('email', 'That email is already registered.');
    if (violated !== null) throw badUserInput('username', 'That username is taken.');
    throw error;
  }
}

export async function logIn(ctx: AppContext, input: LogInInput): Promise<AuthPayloadModel> {
  const login = input.login.trim().toLowerCase();
  // Over-long input cannot match an account; refuse it before spending a hash on it.
  if (longerThan(login, MAX_EMAIL) || longerThan(input.password, PASSWORD.max))
    throw unauthenticated(LOGIN_FAILED);
  // Throttled per client address, then per account: RATE_LIMITED before any hash is spent.
  const attempt = await ctx.limits.beginLogin(ctx.clientAddress);
  const user = await ctx.prisma.user.findUnique({
    where: login.includes('@') ? { email: login } : { username: login },
  });
  // Username and email of one account share its budget; an unknown login has its own.
  await attempt.forAccount(user ? `user:${user.id}` : `login:${login}`);
  // Unknown login and wrong password take the same path through a real argon2 verification.
  const ok = await ctx.passwords.verify(user?.passwordHash ?? null, input.password);
  if (!user || !ok) throw unauthenticated(LOGIN_FAILED);
  await attempt.succeeded();
  const token = ctx.passwords.needsRehash(user.passwordHash)
    ? await upgradeHashAndOpenSession(ctx, user.id, await ctx.passwords.hash(input.password))
    : await openSession(ctx.prisma, user.id, ctx.config.SESSION_TTL_DAYS);
  ctx.signedIn = user.id;
  // the payload's user leaves the auth module: without the email and the password hash
  return { token, user: userFromRow(user) };
}

/** The stronger hash and the new session are written together or not at all. */
function upgradeHashAndOpenSession(ctx: AppContext, userId: bigint, passwordHash: string): Promise<string> {
  return retryOnConflict(() =>
    ctx.prisma.$transaction(async (tx) => {
      await tx.user.update({ where: { id: userId }, data: { passwordHash } });
      return openSession(tx, userId, ctx.config.SESSION_TTL_DAYS);
    }),
  );
}

export async function logOut(ctx: AppContext): Promise<boolean> {
  if (!ctx.viewer) return false;
  const revoked = await revokeSession(ctx.prisma, ctx.viewer.sessionId);
  await ctx.sessions.revoked(ctx.viewer.id);
  return revoked;
}

export async function changePassword(
  ctx: AppContext,
  currentPassword: string,
  newPassword: string,
): Promise<boolean> {
  const viewer = requireViewer(ctx);
  checkPassword('newPassword', newPassword);
  const user: User | null = await ctx.prisma.user.findUnique({ where: { id: viewer.id } });
  if (!user) throw unauthenticated();
  const wrong = () => badUserInput('currentPassword', 'The current password is wrong.');
  if (longerThan(currentPassword, PASSWORD.max)) throw wrong();
  // A stolen session must not become a way to guess the password: logIn's budget applies.
  const attempt = await ctx.limits.beginLogin(ctx.clientAddress);
  await attempt.forAccount(`user:${user.id}`);
  if (!(await ctx.passwords.verify(user.passwordHash, currentPassword))) throw wrong();
  await attempt.succeeded();
  const passwordHash = await ctx.passwords.hash(newPassword);
  // The new hash and the revocation of every other session: both or neither.
  await retryOnConflict(() =>
    ctx.prisma.$transaction([
      ctx.prisma.user.update({ where: { id: viewer.id }, data: { passwordHash } }),
      ctx.prisma.session.deleteMany({ where: { userId: viewer.id, id: { not: viewer.sessionId } } }),
    ]),
  );
  await ctx.sessions.revoked(viewer.id);
  return true;
}
