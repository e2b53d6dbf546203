import fs from 'node:fs';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import { engineAdapterFactory, existingPglite, postgresUrl, scratchPglite } from './engine-adapters';
import { loadSchemaEngine, type SchemaEngine } from './engine-wasm';
import {
  defaultMigrationsDir,
  listMigrationNames,
  LOCK_FILE,
  lockFileContent,
  MIGRATION_FILE,
} from './files';

/**
 * Development-time use of Prisma's schema engine (wasm build, offline): the SQL that takes
 * a database, or the migrations folder, to prisma/schema.prisma. Never loaded by the server.
 */

export const defaultSchemaPath = path.resolve(defaultMigrationsDir, '..', 'schema.prisma');

export interface DiffOptions {
  /** Default: <repo>/prisma/schema.prisma. */
  schemaPath?: string;
  /** Default: <repo>/prisma/migrations. */
  migrationsDir?: string;
}

/** A live database to compare with the schema. */
export type DiffTarget = { pglite: PGlite } | { url: string };

const NO_FILTERS = { externalTables: [], externalEnums: [] };

/**
 * The SQL for the next migration: the migrations folder replayed into an in-memory
 * shadow database, compared with schema.prisma. Empty string when nothing changed.
 */
export async function diffMigrationsToSchema(options: DiffOptions = {}): Promise<string> {
  const schema = readSchema(options.schemaPath);
  const from: From = { tag: 'migrations', ...migrationList(options.migrationsDir ?? defaultMigrationsDir) };
  const scratch = scratchPglite();
  try {
    return await withEngine(schema, engineAdapterFactory(scratch.main, scratch.shadow), (engine) =>
      diffToSchema(engine, from, schema),
    );
  } finally {
    await scratch.close();
  }
}

/** Drift: the SQL that would take this live database to schema.prisma; '' when in sync. */
export async function diffDatabaseToSchema(target: DiffTarget, options: DiffOptions = {}): Promise<string> {
  const schema = readSchema(options.schemaPath);
  const main = 'pglite' in target ? existingPglite(target.pglite) : postgresUrl(target.url);
  // schemaDatasource means "the database the engine's adapter is connected to".
  return withEngine(schema, engineAdapterFactory(main), (engine) =>
    diffToSchema(
      engine,
      { tag: 'schemaDatasource', ...schema, configDir: path.dirname(schema.files[0]!.path) },
      schema,
    ),
  );
}

type Schema = { files: { path: string; content: string }[] };
type From = Parameters<SchemaEngine['diff']>[0]['from'];

async function diffToSchema(engine: SchemaEngine, from: From, schema: Schema): Promise<string> {
  const result = await engine.diff({
    from,
    to: { tag: 'schemaDatamodel', ...schema },
    script: true,
    // exitCode 2 means "there is a difference"; otherwise stdout is a comment saying
    // the migration is empty.
    exitCode: true,
    filters: NO_FILTERS,
  });
  return result.exitCode === 2 ? (result.stdout ?? '') : '';
}

async function withEngine<T>(
  schema: Schema,
  factory: SqlMigrationAwareDriverAdapterFactory,
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  const { SchemaEngine } = await loadSchemaEngine();
  const datamodels = schema.files.map((f): [string, string] => [f.path, f.content]);
  const engine = await SchemaEngine.new(
    { datamodels },
    () => {},
    bindMigrationAwareSqlAdapterFactory(factory),
  );
  try {
    return await fn(engine);
  } finally {
    engine.free();
  }
}

function readSchema(schemaPath = defaultSchemaPath): Schema {
  return { files: [{ path: schemaPath, content: fs.readFileSync(schemaPath, 'utf8') }] };
}

/** The shape Prisma's CLI builds from the folder (see its migrate commands). */
function migrationList(dir: string) {
  const lockPath = path.join(dir, LOCK_FILE);
  return {
    baseDir: dir,
    // Before the first migration there is no lock file yet, and the engine needs one to
    // know the provider; create-migration writes this same content.
    lockfile: {
      path: LOCK_FILE,
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, 'utf8') : lockFileContent(),
    },
    shadowDbInitScript: '',
    migrationDirectories: listMigrationNames(dir).map((name) => ({
      path: name,
      migrationFile: { path: MIGRATION_FILE, content: readScript(path.join(dir, name, MIGRATION_FILE)) },
    })),
  };
}

function readScript(file: string): { tag: 'ok'; value: string } | { tag: 'error'; value: string } {
  try {
    return { tag: 'ok', value: fs.readFileSync(file, 'utf8') };
  } catch (err) {
    return { tag: 'error', value: (err as Error).message };
  }
}
