import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { precompress } from './scripts/lib/precompress.js';

export default defineConfig({
  root: 'client',
  // precompress: .br/.gz beside each built file, served as they are by server/src/app.ts.
  plugins: [svelte(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // The app and the embeddable public page (issue 6), served at /embed/refugee-help.
    rollupOptions: {
      input: { main: fileURLToPath(new URL('./client/index.html', import.meta.url)), embed: fileURLToPath(new URL('./client/embed.html', import.meta.url)) },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:3000', '/ogc': 'http://127.0.0.1:3000', '/wms': 'http://127.0.0.1:3000' },
  },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/globalSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 180_000,
    // Browser state settles slower on a loaded 2-core CI machine than Vitest's 1 s default allows.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    maxWorkers: 2,
    fileParallelism: true,
    reporters: ['default', './tests/helpers/summaryReporter.ts'],
  },
});
