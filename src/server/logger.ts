import pino, { type Logger } from 'pino';
import type { Config } from '../config';

/**
 * Structured JSON logs on stdout; secrets that could appear in logged objects are redacted.
 *
 * Lines are written synchronously. pino's default asynchronous writes go through libuv's
 * thread pool, where they queue behind argon2 hashes (each holds a pool thread for tens of
 * milliseconds), and the flush pino runs on exit can then write the last lines ahead of one
 * still queued, putting the shutdown log out of order.
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL'>,
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true }),
): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: 'shutter' },
      redact: {
        paths: [
          'req.headers.authorization',
          '*.password',
          '*.currentPassword',
          '*.newPassword',
          '*.token',
          'variables.input.password',
          'variables.input.newPassword',
          'variables.currentPassword',
          'variables.newPassword',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
