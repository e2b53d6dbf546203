import fs from 'node:fs';
import { printSchemaOf, SCHEMA_PATH } from '../schema';

// `npm run codegen` writes the merged schema first: resolver types are generated from it.
fs.writeFileSync(SCHEMA_PATH, printSchemaOf());
