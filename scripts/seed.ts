/**
 * `npm run seed`: dist/ into the local KV `wrangler dev` reads, and
 * `v1:current` pointed at the build (seed-local.ts).
 */

import { seedLocal } from './seed-local.ts'

const { buildId, written } = await seedLocal()
console.log(`seeded local KV: build ${buildId}, ${written} new keys`)
