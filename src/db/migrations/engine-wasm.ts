import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Glue from '@prisma/schema-engine-wasm/schema_engine_bg' with { 'resolution-mode': 'import' };

type SchemaEngineModule = typeof Glue;

// lib.dom is off and @types/node 20 does not declare WebAssembly: the little we use.
declare const WebAssembly: {
  instantiate(
    bytes: Uint8Array,
    imports: object,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

// TypeScript compiles import() to require() under CommonJS, and the package is ESM only:
// a real dynamic import must survive compilation. It works under tsx, node and jest
// (which runs with --experimental-vm-modules).
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

let loaded: Promise<SchemaEngineModule> | undefined;

/**
 * The package's own entry imports the .wasm file as an ES module, which Node 20 cannot
 * do; this is that entry by hand: instantiate the wasm with the JS glue as its imports.
 */
export function loadSchemaEngine(): Promise<SchemaEngineModule> {
  loaded ??= load().catch((err: unknown) => {
    loaded = undefined;
    throw err;
  });
  return loaded;
}

/**
 * The engine reports a Rust panic through this global, then aborts from inside a
 * microtask, which kills the process whatever we catch. Without the global it dies on a
 * TypeError instead; with it, at least the reason is printed. (Prisma's client runtime
 * installs its own when loaded; either will do.)
 */
const host = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };

async function load(): Promise<SchemaEngineModule> {
  host.PRISMA_WASM_PANIC_REGISTRY ??= {
    set_message: (message) => process.stderr.write(`Prisma schema engine panicked: ${message}\n`),
  };
  const dir = path.dirname(require.resolve('@prisma/schema-engine-wasm'));
  const glue = (await importEsm(
    pathToFileURL(path.join(dir, 'schema_engine_bg.js')).href,
  )) as SchemaEngineModule;
  const bytes = await fs.readFile(path.join(dir, 'schema_engine_bg.wasm'));
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glue });
  glue.__wbg_set_wasm(instance.exports);
  (instance.exports as { __wbindgen_start: () => void }).__wbindgen_start();
  return glue;
}

export type { SchemaEngine } from '@prisma/schema-engine-wasm' with { 'resolution-mode': 'import' };
