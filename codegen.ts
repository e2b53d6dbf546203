import type { CodegenConfig } from '@graphql-codegen/cli';

// Resolver types are generated from schema.graphql (`npm run codegen`, also run on install).
// Mappers tie each GraphQL type to the value its resolvers receive as parent.
const config: CodegenConfig = {
  schema: 'schema.graphql',
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        contextType: '../context#AppContext',
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
          PostConnection: '../shared/connection#Connection<PostModel>',
          UserConnection: '../shared/connection#Connection<UserModel>',
          CommentConnection: '../shared/connection#Connection<CommentModel>',
          PostEdge: '../shared/connection#Edge<PostModel>',
          UserEdge: '../shared/connection#Edge<UserModel>',
          CommentEdge: '../shared/connection#Edge<CommentModel>',
        },
      },
    },
  },
};

export default config;
