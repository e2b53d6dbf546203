import fc from 'fast-check';
import { isRequiredArgument, type GraphQLArgument } from 'graphql';
import type { Envelope } from './http';
import type { ArgChoice, PathArgs } from './operation';
import type { Target } from './schema-walk';
import type { ValueSpace } from './values';

export type Transport = 'http' | 'ws';
export type Identity = 'anonymous' | 'user';

/** One generated request: its target, how it travels, as whom, and every argument on the path. */
export interface FuzzCase {
  target: Target;
  transport: Transport;
  identity: Identity;
  /** HTTP only: plain, or with an automatic-persisted-query hash that does not match */
  envelope: Envelope;
  args: PathArgs;
}

/** How the cases of one property travel, and whether the systematic sweep (sweep.ts) runs first. */
export interface Route {
  transport: Transport;
  envelopes: readonly [Envelope, ...Envelope[]];
  sweep: boolean;
}

/**
 * Cases for one target: its own arguments get fuzzed values; the arguments of the fields on
 * the way to it get plain ones (a real post id for post(id:) above Post.comments(after:)),
 * so that the fuzzed field is actually reached. Every transport takes every kind of
 * operation: a query over WebSocket or a subscription over HTTP must be refused cleanly too.
 */
export function caseArbitrary(target: Target, values: ValueSpace, route: Route): fc.Arbitrary<FuzzCase> {
  const last = target.path.length - 1;
  const cursor = values.pools.cursors.get(target.coordinate);
  const args = fc.tuple(
    ...target.path.map((step, i) =>
      fc.tuple(
        ...step.field.args.map((arg) =>
          argChoice(
            arg,
            i === last ? values.fuzz(arg.type, { name: arg.name, cursor }) : values.plain(arg.type, arg.name),
          ),
        ),
      ),
    ),
  );
  return fc.record({
    target: fc.constant(target),
    transport: fc.constant(route.transport),
    identity: fc.constantFrom<Identity>('anonymous', 'user'),
    envelope: fc.constantFrom(...route.envelopes),
    args,
  });
}

/** A value, as a variable or inline; an optional argument is sometimes left out. */
function argChoice(arg: GraphQLArgument, value: fc.Arbitrary<unknown>): fc.Arbitrary<ArgChoice | undefined> {
  const choice = fc.record({ value, inline: fc.boolean() });
  return isRequiredArgument(arg) ? choice : fc.option(choice, { nil: undefined, freq: 4 });
}
