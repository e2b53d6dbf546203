import fs from 'node:fs';
import path from 'node:path';
import { diffMigrationsToSchema } from './engine';
import { defaultMigrationsDir, LOCK_FILE, lockFileContent, MIGRATION_FILE } from './files';

export interface CreateMigrationOptions {
  /** Free text; becomes the snake_case part of the folder name. */
  name: string;
  /** Write an empty migration for hand-written SQL instead of a schema diff. */
  empty?: boolean;
  migrationsDir?: string;
  schemaPath?: string;
  /** For tests; default now. */
  now?: Date;
}

/** The folder written (absolute path), or null when schema.prisma has no changes. */
export async function createMigration(options: CreateMigrationOptions): Promise<string | null> {
  const dir = options.migrationsDir ?? defaultMigrationsDir;
  const name = `${utcTimestamp(options.now ?? new Date())}_${snakeCase(options.name)}`;
  const sql = options.empty
    ? '-- This is an empty migration.\n'
    : await diffMigrationsToSchema({ migrationsDir: dir, schemaPath: options.schemaPath });
  if (sql === '') return null;
  const folder = path.join(dir, name);
  // Prisma's layout: the lock file records the provider next to the migrations.
  fs.mkdirSync(dir, { recursive: true });
  if (!fs.existsSync(path.join(dir, LOCK_FILE)))
    fs.writeFileSync(path.join(dir, LOCK_FILE), lockFileContent());
  fs.mkdirSync(folder); // throws if it exists: never overwrite a migration
  fs.writeFileSync(path.join(folder, MIGRATION_FILE), sql);
  return folder;
}

export function snakeCase(name: string): string {
  const snake = name
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (snake === '') throw new Error(`"${name}" is not a usable migration name: use letters or digits`);
  return snake.slice(0, 200);
}

/** yyyyMMddHHmmss in UTC, Prisma's folder prefix. */
export function utcTimestamp(date: Date): string {
  return date.toISOString().replace(/\D/g, '').slice(0, 14);
}
