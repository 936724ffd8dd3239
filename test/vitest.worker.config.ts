// Worker tests: inside workerd via @cloudflare/vitest-pool-workers, with real KV
// seeded from what the build script produces for the fixture blog.
import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { build, kvEntries } from '../scripts/build/index.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from './fixture.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig(async () => {
  const result = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
  // wrangler.toml names ./public for static assets; a fresh clone has none yet.
  mkdirSync(`${root}/public`, { recursive: true })
  return {
    root,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: `${root}/wrangler.toml` },
        miniflare: {
          bindings: { TEST_SEED: JSON.stringify({ buildId: result.manifest.buildId, entries: kvEntries(result) }) },
        },
      }),
    ],
    test: {
      name: 'worker',
      include: ['test/worker/**/*.test.ts'],
      setupFiles: ['test/worker/setup.ts'],
      testTimeout: 30_000,
    },
  }
})
