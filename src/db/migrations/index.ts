// The runtime side of migrations: no schema engine (wasm) is loaded from here.
export { migrate, type MigrateOptions, type Migratable } from './runner';
export { MigrationError } from './errors';
export type { MigrationConnection } from './connection';
export { defaultMigrationsDir } from './files';
