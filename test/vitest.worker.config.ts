// Worker tests: inside workerd via @cloudflare/vitest-pool-workers, with real KV
// seeded from what the build script produces for the fixture blog.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cloudflareTest } from '@cloudflare/vitest-pool-workers'
import { defineConfig } from 'vitest/config'
import { build, kvEntries } from '../scripts/pipeline/index.ts'
import { DELTA_EDIT, DELTA_NOW, FIXTURE_CONTENT, FIXTURE_NOW } from './fixture.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig(async () => {
  const result = await build({ contentDir: FIXTURE_CONTENT, outDir: '', publicDir: '', now: FIXTURE_NOW })
  // A second build later on with one post edited, measured against the first as a deploy
  // measures against the live build: its search index a delta, its changes dated (history.ts).
  const edited = mkdtempSync(join(tmpdir(), 'kumo-delta-'))
  cpSync(FIXTURE_CONTENT, edited, { recursive: true })
  const post = join(edited, 'posts', DELTA_EDIT.file)
  writeFileSync(post, readFileSync(post, 'utf8').replace(DELTA_EDIT.from, DELTA_EDIT.to))
  const delta = await build({ contentDir: edited, outDir: '', publicDir: '', now: DELTA_NOW, searchBase: result.searchBase, previous: result.manifest })
  rmSync(edited, { recursive: true, force: true })
  // wrangler.toml names ./public for static assets; a fresh clone has none yet.
  mkdirSync(`${root}/public`, { recursive: true })
  return {
    root,
    plugins: [
      cloudflareTest({
        wrangler: { configPath: `${root}/wrangler.toml` },
        miniflare: {
          bindings: {
            TEST_SEED: JSON.stringify({ buildId: result.manifest.buildId, entries: [...kvEntries(delta), ...kvEntries(result)] }),
            TEST_DELTA_BUILD: delta.manifest.buildId,
          },
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
