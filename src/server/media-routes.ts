import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { LocalMediaStorage, UploadRefused } from '../media/local-storage';
import { KEY_PATTERN, RENDITION_NAME } from '../media/storage';

/**
 * Local storage's HTTP side: `PUT /uploads/<key>` receives a signed upload, streamed to disk;
 * `GET /media/<key>/<name>` serves renditions (never the uploaded bytes, which live elsewhere)
 * through express.static, which answers ETag, Last-Modified, conditional and range requests.
 */
export function mediaRoutes(storage: LocalMediaStorage, log: Logger): Router {
  const router = express.Router();
  router.put('/uploads/:key', (req, res) => void receiveUpload(storage, log, req, res));
  router.use(
    '/media',
    (req: Request, res: Response, next: NextFunction) => {
      // Only rendition paths: anything else is a 404 without touching the disk.
      const [, key, name, ...rest] = req.path.split('/');
      if (rest.length > 0 || !KEY_PATTERN.test(key ?? '') || !RENDITION_NAME.test(name ?? '')) {
        res.status(404).end();
        return;
      }
      next();
    },
    express.static(storage.mediaDir, {
      immutable: true,
      maxAge: '365d',
      index: false,
      redirect: false,
      dotfiles: 'deny',
      fallthrough: false,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
    (error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
      res.status(error.status === 404 ? 404 : 500).end();
    },
  );
  return router;
}

async function receiveUpload(storage: LocalMediaStorage, log: Logger, req: Request, res: Response) {
  const { type, size, expires, sig } = req.query;
  const declared = Number(req.headers['content-length']);
  try {
    if (
      typeof type !== 'string' ||
      typeof size !== 'string' ||
      typeof expires !== 'string' ||
      typeof sig !== 'string'
    ) {
      throw new UploadRefused(403, 'Invalid upload signature.');
    }
    const signed = {
      key: String(req.params.key),
      contentType: type,
      byteSize: Number(size),
      expires: Number(expires),
    };
    // A declared length beyond the limit is refused before a byte is read.
    if (Number.isFinite(declared) && declared > signed.byteSize) {
      throw new UploadRefused(413, `The body is larger than the declared ${signed.byteSize} bytes.`);
    }
    await storage.receive(signed, sig, req.headers['content-type'], req);
    res.status(204).end();
  } catch (error) {
    if (!(error instanceof UploadRefused)) log.error({ err: error }, 'upload failed');
    const status = error instanceof UploadRefused ? error.status : 500;
    // The rest of a refused body is not read: the connection closes after the answer.
    res.setHeader('Connection', 'close');
    res.status(status).json({ error: error instanceof UploadRefused ? error.message : 'Upload failed.' });
  }
}
