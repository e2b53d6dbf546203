import type { DomainModule } from './core/module';
import { authModule } from './auth';
import { commentsModule } from './comments';
import { feedModule } from './feed';
import { followsModule } from './follows';
import { likesModule } from './likes';
import { postsModule } from './posts';
import { realtimeModule } from './realtime';
import { searchModule } from './search';
import { usersModule } from './users';

/** Every domain of the API. The schema, the loaders, node(id:) and more are built from this list. */
export const modules: readonly DomainModule[] = [
  usersModule,
  authModule,
  postsModule,
  commentsModule,
  likesModule,
  followsModule,
  feedModule,
  searchModule,
  realtimeModule,
];
