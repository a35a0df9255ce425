// The built server entries (what `omni-embed/node` and `omni-embed/node/catalog` resolve to),
// typed by their sources: tests run the shipped bundle, and typecheck runs before the build.
export const loadNode = () => import('../../dist/node/index.js' as string) as Promise<typeof import('../../src/node/index')>;
export const loadCatalog = () => import('../../dist/node/catalog.js' as string) as Promise<typeof import('../../src/node/catalog/index')>;
export const CLI = 'dist/node/cli.js';
