// npm run db:migration -- <name> [--empty]
// Writes prisma/migrations/<UTC timestamp>_<name>/migration.sql: the SQL from the current
// migrations to prisma/schema.prisma, or an empty file for hand-written SQL.
import path from 'node:path';
import { createMigration } from '../migrations/create';

const usage = 'usage: npm run db:migration -- <name> [--empty]';

async function main(args: string[]): Promise<number> {
  const empty = args.includes('--empty');
  const words = args.filter((a) => a !== '--empty');
  if (words.length === 0 || words.some((w) => w.startsWith('-'))) {
    console.error(usage);
    return 2;
  }
  const folder = await createMigration({ name: words.join(' '), empty });
  if (folder === null) {
    console.log('No changes: prisma/schema.prisma matches the migrations. Nothing written.');
    return 0;
  }
  const file = path.relative(process.cwd(), path.join(folder, 'migration.sql'));
  console.log(
    empty ? `Created ${file}: write your SQL there.` : `Created ${file}. Review it before committing.`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  },
);
