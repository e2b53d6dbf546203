import { PGlite } from '@electric-sql/pglite';
import { migrate } from '../../src/db/migrations';
import { pgliteMigrationConnection } from '../../src/db/migrations/connection';
import { diffDatabaseToSchema, diffMigrationsToSchema } from '../../src/db/migrations/engine';
import { createTestDatabase, usingPostgres } from '../support/database';

// schema.prisma is the source of truth; these fail when a schema change has no migration
// (run `npm run db:migration -- <name>`) or a hand-written migration changed the schema
// behind Prisma's back.
describe('schema drift', () => {
  test('the migrations folder produces exactly schema.prisma', async () => {
    expect(await diffMigrationsToSchema()).toBe('');
  });

  test('a database migrated by our runner matches schema.prisma (PGlite)', async () => {
    const pglite = new PGlite();
    try {
      await migrate({ migrationConnection: async () => pgliteMigrationConnection(pglite) });
      expect(await diffDatabaseToSchema({ pglite })).toBe('');
    } finally {
      await pglite.close();
    }
  });

  (usingPostgres ? test : test.skip)(
    'a database migrated by our runner matches schema.prisma (PostgreSQL)',
    async () => {
      const db = await createTestDatabase();
      try {
        expect(await diffDatabaseToSchema({ url: db.url! })).toBe('');
      } finally {
        await db.close();
      }
    },
  );
});
