import type { CodegenConfig } from '@graphql-codegen/cli';

// Resolver types are generated from schema.graphql (`npm run codegen`, also run on install).
// Mappers tie each GraphQL type to the value its resolvers receive as parent.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        contextType: '../core/context#AppContext',
        useTypeImports: true,
        enumsAsTypes: true,
        useIndexSignature: true,
        scalars: { DateTime: 'Date', ID: 'string' },
        mappers: {
          User: '../users/columns#UserModel',
          Post: '../generated/prisma/client#Post as PostModel',
          Comment: '../generated/prisma/client#Comment as CommentModel',
          Media: '../generated/prisma/client#Media as MediaModel',
          AuthPayload: '../auth/types#AuthPayloadModel',
          PostConnection: '../core/connection#Connection<PostModel>',
          UserConnection: '../core/connection#Connection<UserModel>',
          CommentConnection: '../core/connection#Connection<CommentModel>',
          PostEdge: '../core/connection#Edge<PostModel>',
          UserEdge: '../core/connection#Edge<UserModel>',
          CommentEdge: '../core/connection#Edge<CommentModel>',
        },
      },
    },
  },
};

export default config;
