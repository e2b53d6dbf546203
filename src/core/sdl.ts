import fs from 'node:fs';
import path from 'node:path';

/** A domain's part of the schema: the schema.graphql in its folder. */
export const sdlIn = (dir: string): string => fs.readFileSync(path.join(dir, 'schema.graphql'), 'utf8');
