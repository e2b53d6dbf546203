import type { DomainModule, EventDefinitions } from './core/module';
import type { LimitedActions } from './core/services';
import { authModule } from './auth';
import { commentsModule } from './comments';
import { discoveryModule } from './discovery';
import { feedModule } from './feed';
import { followsModule } from './follows';
import { likesModule } from './likes';
import { mediaModule } from './media';
import { notificationsModule } from './notifications';
import { postsModule } from './posts';
import { safetyModule } from './safety';
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
  safetyModule,
  mediaModule,
  discoveryModule,
  notificationsModule,
];

/** How each realtime event travels and reaches its subscribers, from every domain. */
export const eventDefinitions: EventDefinitions = Object.assign(
  {},
  ...modules.map((module) => module.events ?? {}),
);

/** The mutations that spend a budget on every call, from every domain. */
export const limitedActions: LimitedActions = Object.assign(
  {},
  ...modules.map((module) => module.limits ?? {}),
);
