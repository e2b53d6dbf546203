import { checksumOf, type MigrationFile } from './files';
import type { MigrationRecord } from './history';
import { MigrationError } from './errors';

const RESOLVE_DOCS = 'https://pris.ly/d/migrate-resolve';

/** Prisma's rule (P3009): an unfinished, not rolled-back row blocks every later migration. */
export function assertNoFailedMigrations(records: MigrationRecord[]): void {
  const failed = records.filter((r) => r.finished_at === null && r.rolled_back_at === null);
  if (failed.length === 0) return;
  const details = failed.map((r) => {
    const logs = r.logs?.trim() ? ` with the following logs:\n${r.logs.trim()}` : '';
    return `The \`${r.migration_name}\` migration started at ${r.started_at.toISOString()} failed${logs}`;
  });
  throw new MigrationError(
    `Found failed migrations in the database; no new migration will be applied until they are resolved.\n` +
      `${details.join('\n')}\n\n` +
      `Repair the database by hand (finish or undo the failed migration's changes), then mark it rolled back ` +
      `(\`npx prisma migrate resolve --rolled-back <name>\`, or ` +
      `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL) ` +
      `so it is applied again. See ${RESOLVE_DOCS}`,
  );
}

/**
 * An applied migration whose file changed no longer describes the database. Prisma's
 * `migrate deploy` ignores this; we stop, because the schema the code expects and the one
 * the database has may now differ silently.
 */
export function assertNoEditedMigrations(records: MigrationRecord[], files: MigrationFile[]): void {
  const byName = new Map(files.map((f) => [f.name, f]));
  const edited = applied(records)
    .filter((r) => {
      const file = byName.get(r.migration_name);
      return file !== undefined && !scriptMatchesChecksum(file.script, r.checksum);
    })
    .map((r) => r.migration_name);
  if (edited.length === 0) return;
  throw new MigrationError(
    `Migration${edited.length > 1 ? 's' : ''} ${edited.join(', ')} ${edited.length > 1 ? 'were' : 'was'} ` +
      'modified after being applied to this database (its migration.sql no longer matches the recorded checksum). ' +
      'Restore the original file and put the change in a new migration (npm run db:migration -- <name>).',
  );
}

/** Applied here but absent from the folder: probably a branch switch or an older checkout. */
export function missingFromFolder(records: MigrationRecord[], files: MigrationFile[]): string[] {
  const names = new Set(files.map((f) => f.name));
  return applied(records)
    .map((r) => r.migration_name)
    .filter((name) => !names.has(name));
}

function applied(records: MigrationRecord[]): MigrationRecord[] {
  return records.filter((r) => r.finished_at !== null && r.rolled_back_at === null);
}

/**
 * Prisma's comparison: tolerant of CRLF/LF conversion by git, and of the unpadded hex
 * that old Prisma versions recorded.
 */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replace(/\r\n/g, '\n'), script.replace(/\n/g, '\r\n')];
  return variants.some((variant) => {
    const hex = checksumOf(variant);
    return checksum.length !== 64 && checksum !== '' ? unpadded(hex) === checksum : hex === checksum;
  });
}

function unpadded(hex: string): string {
  return (hex.match(/../g) ?? []).map((byte) => byte.replace(/^0/, '')).join('');
}
