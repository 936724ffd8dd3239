// Build-pipeline tests: plain Node.
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    name: 'node',
    include: ['test/node/**/*.test.ts'],
    testTimeout: 30_000,
  },
})
