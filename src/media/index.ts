import type { DomainModule } from '../core/module';
import { sdlIn } from '../core/sdl';
import { mediaResolvers } from './resolvers';

export const mediaModule: DomainModule = {
  name: 'media',
  typeDefs: sdlIn(__dirname),
  resolvers: mediaResolvers,
  limits: { createUpload: { setting: 'RATE_LIMIT_CREATE_UPLOAD', per: 'viewer' } },
};
