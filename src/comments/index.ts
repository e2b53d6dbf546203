import type { DomainModule } from '../core/module';
import { commentLoaders } from './loaders';
import { commentResolvers } from './resolvers';

export const commentsModule: DomainModule = {
  name: 'comments',
  resolvers: commentResolvers,
  loaders: commentLoaders,
  nodes: { Comment: (ctx, id) => ctx.loaders.commentById.load(id) },
};
