import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { discoveryLoaders } from './loaders';
import { discoveryResolvers } from './resolvers';

/** Hashtags and @mentions: parsed from captions and comments, hashtag pages, search and trending. */
export const discoveryModule: DomainModule = {
  name: 'discovery',
  typeDefs: sdlIn(__dirname),
  resolvers: discoveryResolvers,
  loaders: discoveryLoaders,
  nodes: { Hashtag: (ctx, id) => ctx.loaders.hashtagById.load(id) },
};
