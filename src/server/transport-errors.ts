import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { INTERNAL_ERROR_MESSAGE } from '../graphql/format-error';

/**
 * Answers what fails before Apollo sees a request (a body over HTTP_MAX_BODY_BYTES: 413;
 * malformed JSON: 400) in the GraphQL error shape clients already handle. Express's own
 * handler would answer with an HTML page carrying the stack trace outside production.
 */
export function handleTransportErrors(log: Logger): ErrorRequestHandler {
  return (error: { status?: unknown; type?: unknown }, req, res, next) => {
    if (res.headersSent) return next(error);
    const status =
      typeof error.status === 'number' && error.status >= 400 && error.status < 500 ? error.status : 500;
    if (status === 500) log.error({ err: error, url: req.originalUrl }, 'request failed before GraphQL');
    const message =
      status === 413
        ? 'Request body too large.'
        : status === 500
          ? INTERNAL_ERROR_MESSAGE
          : error.type === 'entity.parse.failed'
            ? 'Request body is not valid JSON.'
            : 'Bad request.';
    res.status(status).json({
      errors: [{ message, extensions: { code: status === 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST' } }],
    });
  };
}
