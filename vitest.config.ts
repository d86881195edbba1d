import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{node,radio,satellite,firmware-config,bench,ui}/**/*.test.ts'],
    // Property tests run many cases; give them room on a 2-core CI machine.
    testTimeout: 120_000,
    // Tests that need a system tool (socat) skip without it and are named in one line at the end
    // of the run; under CI they fail instead (docs/conventions.md §System tools).
    globalSetup: ['node/test/system-tool-setup.ts'],
  },
});
