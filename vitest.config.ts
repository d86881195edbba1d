import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{node,radio,satellite,firmware-config,bench}/**/*.test.ts'],
    // Property tests run many cases; give them room on a 2-core CI machine.
    testTimeout: 120_000,
  },
});
