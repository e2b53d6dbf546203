import fc from 'fast-check';
import { buildSchema } from '../../src/graphql/schema';
import { limitedActions } from '../../src/modules';
import { withRateLimits } from '../../src/security/limited-mutations';
import { closeAllSockets } from '../realtime/support';
import { startTestApp, type TestApp } from '../support/app';
import { caseArbitrary, type FuzzCase, type Route } from './cases';
import { applicationTables } from '../support/tables';
import type { Fuzzer } from './exercise';
import { harvestCursors } from './harvest';
import { runProperty } from './run-property';
import { fuzzTargets, type Target } from './schema-walk';
import { fuzzSettings, TimeBudget } from './settings';
import { sweepCases } from './sweep';
import { valueSpace } from './values';
import { setUpWorld } from './world';
import { Sockets } from './ws';

/**
 * Schema-driven fuzzing (issue 11): every root field and every field argument found in the
 * schema, sent hostile values over HTTP and WebSocket, anonymously and as a signed-up user.
 * The server must refuse bad input as the client's fault, keep answering, and write nothing
 * for a refused mutation. See settings.ts for `npm run fuzz` and replaying a failure.
 *
 * Each target has a property per transport, and APQ envelopes one of their own, so that a
 * failure of one (fast-check stops a property at its first) does not hide another's.
 */
const schema = withRateLimits(buildSchema(), limitedActions);
const targets = fuzzTargets(schema);
const settings = fuzzSettings();

interface Property {
  /** the jest test's full name */
  name: string;
  route: Route;
  runs: number;
  /** the targets its cases pick from */
  targets: Target[];
}

/**
 * Over WebSocket the server serves subscriptions only and refuses anything else before it
 * reads an argument: a query or mutation there gets a quarter of the random cases and no sweep.
 */
function propertiesOf(target: Target): Property[] {
  const subscription = target.kind === 'subscription';
  const runs = settings.runsPerProperty;
  const http: Route = { transport: 'http', envelopes: ['plain'], sweep: true };
  const ws: Route = { transport: 'ws', envelopes: ['plain'], sweep: subscription };
  return [
    { name: `${target.coordinate} over HTTP`, route: http, runs, targets: [target] },
    {
      name: `${target.coordinate} over WebSocket`,
      route: ws,
      runs: subscription ? runs : Math.ceil(runs / 4),
      targets: [target],
    },
  ];
}

const APQ: Property = {
  name: 'refuses an APQ hash that does not match, on any operation',
  route: { transport: 'http', envelopes: ['apq-wrong-hash', 'apq-hash-only'], sweep: false },
  runs: settings.runsPerProperty,
  targets,
};

const examplesOf = (p: Property): FuzzCase[] =>
  p.route.sweep ? p.targets.flatMap((t) => sweepCases(t, fuzzer.values, p.route)) : [];

const casesOf = (p: Property): fc.Arbitrary<FuzzCase> =>
  fc.constantFrom(...p.targets).chain((target) => caseArbitrary(target, fuzzer.values, p.route));

// Random cases stop within their share of FUZZ_SECONDS, and a sweep takes seconds: this only
// catches a hang.
const TEST_TIMEOUT = settings.secondsTotal * 1_000 + 60_000;

let app: TestApp;
let fuzzer: Fuzzer;
let budget: TimeBudget;
let missingCursors: string[];

beforeAll(async () => {
  app = await startTestApp();
  const world = await setUpWorld(app, schema);
  const harvest = await harvestCursors(world, targets);
  harvest.cursors.forEach((cursor, coordinate) => world.pools.cursors.set(coordinate, cursor));
  missingCursors = harvest.missing;
  const tables = await applicationTables(app.db);
  fuzzer = { world, values: valueSpace(world.pools), sockets: new Sockets(app), tables };
  const properties = [...targets.flatMap(propertiesOf), APQ];
  const swept = properties.reduce((sum, p) => sum + examplesOf(p).length, 0);
  const random = properties.reduce((sum, p) => sum + p.runs, 0);
  budget = new TimeBudget(settings.secondsTotal * 1_000, random);
  // Straight to stderr: jest holds console output back until the file is done, and a long run
  // should say its seed when it starts.
  process.stderr.write(
    `schema fuzz: seed ${settings.seed} (FUZZ_SEED=${settings.seed} replays it); ${properties.length} properties: ` +
      `${swept} swept cases, then up to ${random} random ones within ${settings.secondsTotal} s\n`,
  );
});

afterAll(async () => {
  process.stderr.write(`schema fuzz: ${budget.ran} random cases ran (seed ${settings.seed})\n`);
  await closeAllSockets(app);
  await app.stop();
});

async function run(property: Property): Promise<void> {
  // Fuzzed mutations may have deleted the fuzzing user's post: the pools must name live rows.
  await fuzzer.world.restore();
  const examples = examplesOf(property);
  await runProperty(fuzzer, { ...property, cases: casesOf(property), examples, budget }, settings);
}

it('has a real cursor of every connection to forge cursors from', () => {
  expect(missingCursors).toEqual([]);
});

// One test per property, named as the property (`-t` takes it), grouped by target.
describe.each(targets.map((target) => [target.coordinate, propertiesOf(target)] as const))(
  '%s',
  (coordinate, properties) => {
    it.each(properties.map((p) => [p.name.slice(coordinate.length + 1), p] as const))(
      '%s',
      (_transport, property) => run(property),
      TEST_TIMEOUT,
    );
  },
);

it(APQ.name, () => run(APQ), TEST_TIMEOUT);
