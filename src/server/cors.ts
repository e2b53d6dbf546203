import cors from 'cors';
import type { RequestHandler } from 'express';
import type { Config } from '../config';

type OriginConfig = Pick<Config, 'CORS_ORIGINS' | 'isProduction'>;

/**
 * A web app on a developer's machine is served from a loopback origin on whatever port its dev
 * server picked (Vite 5173, Next 3000, ...): outside production those are allowed without
 * configuration. In production a loopback origin is a page on the visitor's own machine, not
 * the deployment's front end, so only CORS_ORIGINS count there.
 */
const DEV_ORIGIN = /^http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?$/;

/** The browser origins that may call the API (CORS) and open a WebSocket. */
export function browserOriginAllowed(config: OriginConfig): (origin: string) => boolean {
  const listed = new Set(config.CORS_ORIGINS);
  return (origin) => listed.has(origin) || (!config.isProduction && DEV_ORIGIN.test(origin));
}

/**
 * CORS headers for the allowed origins, and a preflight from any other one answered with what
 * to change. Without the second handler, the preflight would reach Apollo and come back as a
 * CSRF refusal, which tells a developer nothing about the missing setting. A non-preflight
 * request from another origin still runs: it carries no CORS headers, so the browser keeps the
 * response from the page (see the README's Security section).
 */
export function corsHandlers(config: OriginConfig): RequestHandler[] {
  const allowed = browserOriginAllowed(config);
  return [
    cors<cors.CorsRequest>({ origin: (origin, callback) => callback(null, !!origin && allowed(origin)) }),
    (req, res, next) => {
      const origin = req.headers.origin;
      if (req.method !== 'OPTIONS' || origin === undefined) return next();
      res.status(403).json({
        errors: [{ message: refusedOriginMessage(origin, config), extensions: { code: 'FORBIDDEN' } }],
      });
    },
  ];
}

function refusedOriginMessage(origin: string, config: OriginConfig): string {
  const defaults = config.isProduction
    ? ''
    : ' Outside production, http://localhost and http://127.0.0.1 on any port are allowed as well.';
  return (
    `Origin ${origin} may not call this API from a browser. Add it to the server's CORS_ORIGINS ` +
    `setting (comma-separated origins, e.g. CORS_ORIGINS=https://app.example.com) and restart.${defaults}`
  );
}
