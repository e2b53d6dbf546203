import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed documents for the Apollo Client example, from the server's schema.graphql
// (`npm run codegen:clients`, run from the repository root).
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/apollo/*.ts'],
  generates: {
    'examples/apollo/__generated__/': {
      preset: 'client',
      presetConfig: { fragmentMasking: { unmaskFunctionName: 'getFragmentData' } },
      // only the types the operations use: a schema change elsewhere leaves the files as they are
      config: { onlyOperationTypes: true, useTypeImports: true },
    },
  },
  ignoreNoDocuments: false,
};

export default config;
