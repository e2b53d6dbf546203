import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { commentAdded } from './events';
import { commentLoaders } from './loaders';
import { commentResolvers } from './resolvers';

export const commentsModule: DomainModule = {
  name: 'comments',
  typeDefs: sdlIn(__dirname),
  resolvers: commentResolvers,
  loaders: commentLoaders,
  nodes: { Comment: (ctx, id) => ctx.loaders.commentById.load(id) },
  limits: { addComment: { setting: 'RATE_LIMIT_ADD_COMMENT', per: 'viewer' } },
  events: { commentAdded },
};
