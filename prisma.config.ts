import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'prisma/config';

// Every prisma CLI command first tries to download a native schema engine, which is
// impossible offline. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that
// check, so `generate`, `validate` and `format` work. We only do it when no engine is
// configured, so someone with the real engine can still run `prisma migrate deploy`.
if (!process.env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const enginesDir = path.join(__dirname, 'node_modules', '@prisma', 'engines');
  const hasEngine =
    fs.existsSync(enginesDir) && fs.readdirSync(enginesDir).some((f) => f.startsWith('schema-engine'));
  if (!hasEngine) process.env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;
}

export default defineConfig({
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
});
