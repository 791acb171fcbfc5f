import { defineConfig } from 'vitest/config';

// Tests attach loop devices and mount images: files run one at a time so that each
// file's "nothing left behind" check sees only its own resources.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 600_000,
    reporters: ['default'],
  },
});
