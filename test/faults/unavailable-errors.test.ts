import { DriverAdapterError } from '@prisma/driver-adapter-utils';
import { Prisma } from '../../src/generated/prisma/client';
import { isDatabaseUnavailable, isForeignKeyViolation, isTransientConflict } from '../../src/db/errors';
import { formatError } from '../../src/graphql/format-error';

const prismaError = (code: string, message: string) =>
  new Prisma.PrismaClientKnownRequestError(message, { code, clientVersion: Prisma.prismaVersion.client });

// The shapes Prisma gives an interactive transaction cut short; a test that produces each for
// real would need the database to vanish at one exact statement of a transaction.
it.each([
  [
    'P2028',
    'Transaction API error: Transaction already closed: A commit cannot be executed on an expired transaction.',
  ],
  ['P2028', 'Transaction API error: Transaction not found.'],
  ['P2028', 'Unable to start a transaction in the given time.'],
  ['P2024', 'Timed out fetching a new connection from the connection pool.'],
])('%s (%s) is SERVICE_UNAVAILABLE, said generically', (code, message) => {
  const error = prismaError(code, message);
  expect(isDatabaseUnavailable(error)).toBe(true);
  const formatted = formatError({ message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, error);
  expect(formatted.extensions?.code).toBe('SERVICE_UNAVAILABLE');
  expect(formatted.message).not.toContain('Transaction');
});

// Seen in the PostgreSQL-restart test (about 1 run in 4 here): a fast restart while an
// interactive transaction commits; Prisma passes on the adapter's own error, not a coded one.
it.each([
  [{ kind: 'ConnectionClosed' }],
  [
    {
      kind: 'postgres',
      originalCode: '57P01',
      message: 'terminating connection due to administrator command',
    },
  ],
] as const)('a bare DriverAdapterError %j is SERVICE_UNAVAILABLE', (payload) => {
  const error = new DriverAdapterError(payload as ConstructorParameters<typeof DriverAdapterError>[0]);
  expect(isDatabaseUnavailable(error)).toBe(true);
  const formatted = formatError({ message: error.message, extensions: {} }, error);
  expect(formatted.extensions?.code).toBe('SERVICE_UNAVAILABLE');
});

it('a DriverAdapterError for a fault in the query itself stays INTERNAL_SERVER_ERROR', () => {
  const error = new DriverAdapterError({
    kind: 'postgres',
    code: '42703',
    severity: 'ERROR',
    message: 'column "nope" does not exist',
    detail: undefined,
    column: undefined,
    hint: undefined,
    originalCode: '42703',
    originalMessage: 'column "nope" does not exist',
  } as ConstructorParameters<typeof DriverAdapterError>[0]);
  expect(isDatabaseUnavailable(error)).toBe(false);
});

it('a fault in the query itself stays INTERNAL_SERVER_ERROR, masked', () => {
  const error = prismaError(
    'P2010',
    'Raw query failed. Code: `42703`. Message: `column "nope" does not exist`',
  );
  expect(isDatabaseUnavailable(error)).toBe(false);
  const formatted = formatError({ message: error.message, extensions: {} }, error);
  expect(formatted.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  expect(formatted.message).not.toContain('nope');
});

// The other classifiers read the adapter's report the same way, whichever shape carries it.
it('a bare DriverAdapterError for a deadlock is a transient conflict, for a missing row a foreign-key violation', () => {
  const postgres = (originalCode: string) =>
    new DriverAdapterError({ kind: 'postgres', originalCode } as ConstructorParameters<
      typeof DriverAdapterError
    >[0]);
  expect(isTransientConflict(postgres('40P01'))).toBe(true);
  expect(isTransientConflict(postgres('40001'))).toBe(true);
  expect(isForeignKeyViolation(postgres('23503'))).toBe(true);
  expect(isTransientConflict(postgres('23503'))).toBe(false);
  expect(isDatabaseUnavailable(postgres('40P01'))).toBe(false);
});
