import fs from 'node:fs';
import path from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Mappers tie each GraphQL type to the value its resolvers receive as parent. Each domain names
 * its own in `src/<domain>/models.ts` (`XModel` maps the GraphQL type `X`), and a connection
 * or edge of X maps to the generic Connection/Edge of XModel: a new domain adds a file, not a
 * line here.
 */
function mappers(): Record<string, string> {
  const found: Record<string, string> = {};
  for (const domain of fs.readdirSync('src')) {
    const file = path.join('src', domain, 'models.ts');
    if (!fs.existsSync(file)) continue;
    for (const name of exportedModels(fs.readFileSync(file, 'utf8'))) {
      found[name] = `../${domain}/models#${name}Model`;
      found[`${name}Connection`] = `../core/connection#Connection<${name}Model>`;
      found[`${name}Edge`] = `../core/connection#Edge<${name}Model>`;
    }
  }
  return found;
}

/** `X` for every `XModel` the file exports (declared there or re-exported). */
function exportedModels(source: string): string[] {
  const declared = [...source.matchAll(/export (?:interface|type) (\w+)Model\b/g)].map((m) => m[1]!);
  const listed = [...source.matchAll(/export type \{([^}]*)\}/g)].flatMap((m) =>
    [...m[1]!.matchAll(/(\w+)Model\b/g)].map((n) => n[1]!),
  );
  return [...declared, ...listed];
}

// Resolver types are generated from schema.graphql (`npm run codegen`, also run on install).
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
        mappers: mappers(),
      },
    },
  },
};

export default config;
