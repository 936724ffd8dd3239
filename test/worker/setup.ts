// Seeds the worker's real KV binding with the fixture build before each test file.
import { env } from 'cloudflare:test'
import { beforeAll } from 'vitest'
import { CURRENT_KEY } from '../../src/shared/keys.ts'

beforeAll(async () => {
  const seed = JSON.parse((env as unknown as { TEST_SEED: string }).TEST_SEED) as {
    buildId: string
    entries: Array<{ key: string; value: string }>
  }
  await Promise.all(seed.entries.map((e) => env.CONTENT.put(e.key, e.value)))
  await env.CONTENT.put(CURRENT_KEY, seed.buildId)
})
