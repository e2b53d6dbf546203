import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { AppContext } from '../core/context';
import type { LimitedActions } from '../core/services';

/**
 * Puts the budgets the domains declare (DomainModule.limits) in front of their mutations, in
 * one place for the whole schema: each call spends one attempt before the domain service runs,
 * keyed by the viewer or, for a mutation made before having one (signUp), the client address. Every call counts, aliases included,
 * whatever its outcome. An anonymous call of a mutation that needs a viewer spends nothing:
 * its service refuses it with UNAUTHENTICATED.
 */
export function withRateLimits(schema: GraphQLSchema, limited: LimitedActions): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const [action, { per }] of Object.entries(limited)) {
    const field = fields[action];
    if (!field) throw new Error(`rate-limited mutation ${action} is not in the schema`);
    const resolve: GraphQLFieldResolver<unknown, AppContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = async (parent, args, ctx: AppContext, info) => {
      const key = per === 'address' ? ctx.clientAddress : ctx.viewer?.id.toString();
      if (key !== undefined) await ctx.limits.consume(action, key);
      return resolve(parent, args, ctx, info);
    };
  }
  return schema;
}
