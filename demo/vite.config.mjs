// Optional production build of the demo: `npx vite build --config demo/vite.config.mjs` → dist/demo/
// (run `npm run build` first; the SDK stays the separate self-contained bundle /dist/browser/index.js).
// `npm run demo` serves the unbuilt ES modules directly, which needs no build step at all.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/dist/demo/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/demo', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: { external: ['/dist/browser/index.js'] },
  },
});
