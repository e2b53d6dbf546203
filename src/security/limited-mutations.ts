import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { AppContext } from '../core/context';
import { ACTION_LIMITS, type LimitedAction } from './rate-limits';

/**
 * Puts the per-user budgets of ACTION_LIMITS in front of their mutations, in one place for
 * the whole schema: each call spends one attempt before the domain service runs, keyed by the
 * viewer (signUp, which has none, by client address). Every call counts, aliases included,
 * whatever its outcome. An anonymous call of a mutation that needs a viewer spends nothing:
 * its service refuses it with UNAUTHENTICATED.
 */
export function withRateLimits(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const action of Object.keys(ACTION_LIMITS) as LimitedAction[]) {
    const field = fields[action];
    if (!field) throw new Error(`rate-limited mutation ${action} is not in the schema`);
    const resolve: GraphQLFieldResolver<unknown, AppContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = async (parent, args, ctx: AppContext, info) => {
      const key = action === 'signUp' ? ctx.clientAddress : ctx.viewer?.id.toString();
      if (key !== undefined) await ctx.limits.consume(action, key);
      return resolve(parent, args, ctx, info);
    };
  }
  return schema;
}
