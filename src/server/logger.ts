import pino, { type Logger } from 'pino';
import type { Config } from '../config';

/** Structured JSON logs; secrets that could appear in logged objects are redacted. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
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
  });
}
