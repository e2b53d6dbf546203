// Tests never read a developer's .env; they set what they need explicitly.
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL ??= 'silent';

/**
 * Abuse limits far above what any scenario reaches, so that tests signing up many users and
 * posting from 127.0.0.1 are never throttled; test/security sets the limits it checks. Given
 * to every test app (test/support/app.ts) and, through the environment, to server processes.
 */
export const TEST_LIMITS: Record<string, string> = {
  RATE_LIMIT_LOGIN_ACCOUNT: '100000/1h',
  RATE_LIMIT_LOGIN_ADDRESS: '100000/1h',
  RATE_LIMIT_SIGN_UP: '100000/1h',
  RATE_LIMIT_CREATE_POST: '100000/1h',
  RATE_LIMIT_ADD_COMMENT: '100000/1h',
  RATE_LIMIT_LIKE_POST: '100000/1h',
  RATE_LIMIT_FOLLOW: '100000/1h',
  RATE_LIMIT_BLOCK: '100000/1h',
  RATE_LIMIT_MUTE: '100000/1h',
  RATE_LIMIT_REPORT: '100000/1h',
  RATE_LIMIT_CREATE_UPLOAD: '100000/1h',
  ARGON2_MAX_QUEUE: '100000',
};
for (const [name, value] of Object.entries(TEST_LIMITS)) process.env[name] ??= value;
