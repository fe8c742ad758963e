import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    watch: false,
    // builds the web app once for the end-to-end tests (test/e2e)
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
