import type { FuzzCase } from './cases';
import { changedTables, digestTables } from '../support/tables';
import { sendHttp, type Reply } from './http';
import { buildOperation, type Operation } from './operation';
import { describeFailure, printable } from './report';
import type { Target } from './schema-walk';
import type { ValueSpace } from './values';
import type { World } from './world';
import { sendWs, socketClosed, type Sockets } from './ws';

export interface Fuzzer {
  world: World;
  values: ValueSpace;
  sockets: Sockets;
  /** the application tables a refused mutation must leave as they were */
  tables: string[];
}

/** Codes that must never come back: the request was the client's mistake, and the database is fine. */
const SERVER_FAULTS = new Set(['INTERNAL_SERVER_ERROR', 'SERVICE_UNAVAILABLE']);

/**
 * The property: sends one generated request, then checks that the server answered it as
 * the client's fault or not at all a fault (no 5xx, no INTERNAL_SERVER_ERROR or
 * SERVICE_UNAVAILABLE), still answers `{ __typename }`, and, when it refused a mutation,
 * wrote nothing. Throws a readable failure otherwise, for fast-check to shrink.
 */
export async function exercise(fuzzer: Fuzzer, fuzzCase: FuzzCase): Promise<void> {
  const { world, tables } = fuzzer;
  const { target } = fuzzCase;
  const operation = buildOperation(world.schema, target, fuzzCase.args);
  const before = target.kind === 'mutation' ? await digestTables(world.app.db, tables) : null;
  const reply = await send(fuzzer, fuzzCase, operation);
  const problems = faultsIn(reply);
  if (before && refused(reply, target)) {
    const changed = changedTables(before, await digestTables(world.app.db, tables));
    if (changed.length > 0) {
      problems.push(`the mutation was refused, yet table(s) changed: ${changed.join(', ')}`);
    }
  }
  problems.push(...(await stillAnswers(world, fuzzCase)));
  if (problems.length > 0) throw new Error(describeFailure(fuzzCase, operation, reply, problems));
}

async function send(fuzzer: Fuzzer, fuzzCase: FuzzCase, operation: Operation): Promise<Reply> {
  const { world, sockets } = fuzzer;
  const token = fuzzCase.identity === 'user' ? world.token() : undefined;
  if (fuzzCase.transport === 'http') {
    return sendHttp(world.app.url, operation, { token, envelope: fuzzCase.envelope });
  }
  const reply = await sendWs(world.app, sockets.get(fuzzCase.identity, token), operation);
  if (socketClosed(reply)) sockets.forget(fuzzCase.identity);
  return reply;
}

function faultsIn(reply: Reply): string[] {
  const faults = reply.problem ? [reply.problem] : [];
  if (reply.status !== undefined && reply.status >= 500) faults.push(`HTTP ${reply.status}`);
  for (const error of reply.errors) {
    const code = error.extensions?.code;
    if (typeof code === 'string' && SERVER_FAULTS.has(code)) {
      faults.push(`${code} at ${error.path?.join('.') ?? '(no path)'}: ${error.message}`);
    }
  }
  return [...new Set(faults)];
}

/** An error, and no data for the mutation's root field. */
function refused(reply: Reply, target: Target): boolean {
  return reply.errors.length > 0 && reply.data?.[target.path[0]!.field.name] == null;
}

/**
 * The server still answers `{ __typename }`, with the case's token. A fuzzed logOut (or
 * changePassword) may have revoked the fuzzing user's token: the next cases get a new one.
 */
async function stillAnswers(world: World, fuzzCase: FuzzCase): Promise<string[]> {
  const ping = (token?: string) =>
    sendHttp(world.app.url, { query: '{ __typename }', variables: {} }, { token, envelope: 'plain' });
  const asUser = fuzzCase.identity === 'user';
  let reply = await ping(asUser ? world.token() : undefined);
  if (asUser && reply.status === 401) {
    await world.renewSession();
    reply = await ping(world.token());
  }
  if (reply.status === 200 && reply.data?.__typename === 'Query') return [];
  const body = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  return [`the server no longer answers { __typename }: HTTP ${reply.status} ${printable(body)}`];
}
