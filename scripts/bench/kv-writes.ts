/**
 * (h) What a deploy costs in KV writes, on generated blogs of real shape
 * (corpus.ts `real`): the first deploy, a deploy after one post's body is
 * edited, and one after a new newest post is added, each planned by the deploy
 * itself (planDeploy) against the namespace the deploy before it left. The
 * Workers Free plan allows 1,000 writes a day.
 */

import { readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { planDeploy } from '../deploy/plan.ts'
import { emptyState, type DeployState } from '../deploy/state.ts'
import { BuildSession, build, type BuildResult } from '../pipeline/index.ts'
import { generateCorpus } from './corpus.ts'

export interface KvWrites {
  posts: number
  /** Keys a first deploy writes (every blob and the manifest) and their MiB. */
  firstDeploy: number
  firstDeployMiB: number
  oneEdit: number
  newPost: number
}

const NOW = new Date('2025-06-01T00:00:00Z')

/** The namespace after `results` were deployed, the last one newest: their blobs are present. */
const after = (...results: BuildResult[]): DeployState => ({
  builds: results.map((r) => ({ id: r.manifest.buildId, at: NOW.toISOString() })).reverse(),
  kept: results.map((r) => r.manifest.buildId).reverse(),
  blobs: new Set(results.flatMap((r) => [...r.blobs.keys()])),
})

const writes = (result: BuildResult, state: DeployState) => planDeploy(result.manifest, result.blobs, state, { keep: 10, now: NOW, external: result.external })

export async function kvWritesBench(root: string, size: number): Promise<KvWrites> {
  const contentDir = join(root, `real-${size}`)
  await generateCorpus(contentDir, size, 42, { real: true })
  const session = new BuildSession()
  const options = { contentDir, outDir: '', publicDir: '', now: NOW, session }
  const first = await build(options)
  const firstPlan = writes(first, emptyState())
  // An edit below the first paragraph, as most edits are: the summary stays.
  const posts = join(contentDir, 'posts')
  const names = (await readdir(posts)).sort()
  const victim = join(posts, names[Math.floor(names.length / 2)]!)
  await writeFile(victim, `${await readFile(victim, 'utf8')}\nOne more paragraph, added by the benchmark.\n`)
  const edited = await build({ ...options, searchBase: first.searchBase, previous: first.manifest })
  // A new newest post in 3 tags and 2 categories, on top of the edit.
  await writeFile(join(posts, '2025-05-01-added-by-the-benchmark.md'), '---\ntitle: Added by the benchmark\ndate: 2025-05-01 10:00 +08:00\ntags: [Swift, 性能, Web]\ncategories: [Programming, Notes]\n---\n\nA new post.\n')
  const added = await build({ ...options, searchBase: edited.searchBase, previous: edited.manifest })
  await rm(contentDir, { recursive: true, force: true })
  return {
    posts: size,
    firstDeploy: firstPlan.writes,
    firstDeployMiB: Math.round((firstPlan.bytes / 2 ** 20) * 10) / 10,
    oneEdit: writes(edited, after(first)).writes,
    newPost: writes(added, after(first, edited)).writes,
  }
}
