/**
 * `npm run seed`: dist/ into the local KV `wrangler dev` reads, and
 * `v1:current` pointed at the build (seed-local.ts).
 */

import { seedLocal } from './seed-local.ts'

try {
  const { buildId, written } = await seedLocal()
  console.log(`seeded local KV: build ${buildId}, ${written} new keys`)
} catch (error) {
  console.error(`seed failed, local KV unchanged: ${(error as Error).message.split('\n', 1)[0]}`)
  process.exit(1)
}
