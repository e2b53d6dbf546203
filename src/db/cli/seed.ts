// `npm run db:seed [-- --force]`: seeds the demo dataset. Refuses a database that already has
// users unless --force is given (then it adds the demo data only if the demo user is absent).
import 'dotenv/config';
import { PasswordHasher } from '../../security/passwords';
import { parseConfig } from '../../config';
import { openConfiguredDatabase } from '../from-config';
import { migrate } from '../migrations';
import { DEMO_LOGIN, seedDemoData } from '../seed';
import { createMediaRuntime } from '../../media/runtime';
import { createLogger } from '../../server/logger';

async function main(): Promise<number> {
  const force = process.argv.includes('--force');
  const config = parseConfig();
  const db = await openConfiguredDatabase(config);
  try {
    await migrate(db);
    const users = await db.prisma.user.count();
    if (users > 0 && !force) {
      console.error(`The database already has ${users} users; not seeding. Use --force to seed anyway.`);
      return 1;
    }
    if (await db.prisma.user.findUnique({ where: { username: DEMO_LOGIN.username } })) {
      console.error('The demo user already exists; nothing to do.');
      return 1;
    }
    // the pictures go where the server with these settings stores and serves them
    const media = { media: createMediaRuntime(config, () => ''), log: createLogger(config) };
    await seedDemoData(db.prisma, PasswordHasher.fromConfig(config), { media });
    console.log(`Seeded. Log in as ${DEMO_LOGIN.username} / ${DEMO_LOGIN.password}.`);
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
