/**
 * Command line for `npm run deploy`, `npm run gc` and `npm run rollback`.
 *
 *   npm run deploy [-- --dry-run] [--keep N]     build, upload what KV lacks, switch the worker
 *   npm run gc [-- --yes] [--keep N]             delete keys the newest N builds do not reference
 *   npm run rollback [-- <buildId>]              bring back an earlier build's Worker version
 *
 * Every command takes `--local [--persist-to DIR]` to work on local KV (the one
 * `npm start` serves, `.wrangler/state` by default) instead of Cloudflare; a
 * local "deploy" then records BUILD_ID in <persist dir>/kumo-local-worker.json.
 */

import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { BuildError, BuildErrors } from '../pipeline/errors.ts'
import { buildToDisk } from '../pipeline/index.ts'
import { paths } from '../project.ts'
import { buildKey } from '../../src/shared/keys.ts'
import { buildReader, deployCache } from './cache.ts'
import { deploy, describe, DeployError } from './deploy.ts'
import { planGc, runGc } from './gc.ts'
import { wranglerKv, type KvTarget } from './kv-target.ts'
import { planDeploy } from './plan.ts'
import { rollback } from './rollback.ts'
import { DEFAULT_KEEP, deriveState, emptyState, listBuilds, readState, referencedBlobs, type DeployState } from './state.ts'
import { liveBuild, type LiveBuild } from './live.ts'
import { bundleSize, localWorker, wranglerWorker } from './worker-target.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'dry-run': { type: 'boolean', default: false },
    keep: { type: 'string', default: process.env.KUMO_KEEP_BUILDS ?? String(DEFAULT_KEEP) },
    local: { type: 'boolean', default: false },
    'persist-to': { type: 'string' },
    yes: { type: 'boolean', short: 'y', default: false },
  },
})
const [command, ...rest] = positionals
const keep = Number(values.keep)
if (!Number.isInteger(keep) || keep < 1) fail(`--keep must be a whole number of builds, at least 1 (got "${values.keep}")`)

const local = values.local || values['persist-to'] !== undefined
const persistTo = values['persist-to'] ?? join(paths.root, '.wrangler', 'state')
const kv: KvTarget = local ? wranglerKv({ persistTo }) : wranglerKv({ remote: true })
const worker = local ? localWorker(join(persistTo, 'kumo-local-worker.json')) : wranglerWorker()
// One cache per namespace: what a local run learns must not mislead a dry run for Cloudflare.
const cache = deployCache(local ? join(persistTo, 'kumo-deploy') : join(paths.root, '.kumo', 'deploy'))

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

/** Builds the site against the live build, when there is one: its dates and its search base. */
async function buildSite(live: LiveBuild) {
  try {
    return await buildToDisk({ ...paths, ...live })
  } catch (error) {
    if (error instanceof BuildErrors || error instanceof BuildError) fail(`build failed, nothing deployed:\n${error.message}`)
    throw error
  }
}

/**
 * The state a dry run plans against: local KV itself (offline), or for
 * Cloudflare the listing and manifests cached by the last command from this
 * checkout. A cached build whose references are not cached counts as having none.
 */
async function dryRunState(): Promise<{ state: DeployState; source: string }> {
  if (local) return { state: await readState(kv, keep, buildReader(kv, cache).refs), source: kv.name }
  const builds = await cache.builds()
  if (!builds) return { state: emptyState(), source: 'nothing (no deploy from this checkout yet: planned as a first deploy)' }
  const state = await deriveState(builds, keep, (id) => cache.refs(id))
  return { state, source: 'the namespace as the last deploy, rollback or gc from this checkout left it (.kumo/deploy)' }
}

async function dryRun(): Promise<void> {
  const { state, source } = await dryRunState()
  // Offline: the live build's search base only as far as the deploy cache knows it (else the plan counts a new base).
  const offline = local ? buildReader(kv, cache) : { manifest: cache.manifest, blob: cache.blob }
  const result = await buildSite(await liveBuild(state.builds[0]?.id, offline))
  const plan = planDeploy(result.manifest, result.blobs, state, { keep, now: new Date(), external: result.external })
  console.log(`dry run, planned against ${source}; nothing is written`)
  for (const line of describe(plan, { wrote: 'would write', writes: 'it would use' })) console.log(line)
  for (const batch of plan.batches) for (const e of batch) console.log(`    + ${e.key}`)
  // What a gc after this deploy would delete: builds out of the window, and blobs only they use.
  const keptBlobs = await referencedBlobs(result.manifest, async (h) => result.blobs.get(h) ?? (await offline.blob(h)))
  for (const b of plan.builds.slice(1, keep)) for (const h of (await cache.refs(b.id)) ?? []) keptBlobs.add(h)
  for (const id of plan.retired) {
    const refs = await cache.refs(id)
    const only = refs ? [...refs].filter((h) => !keptBlobs.has(h)).length : 0
    console.log(`    - ${buildKey(id)}${refs ? `, and ${only} records only it uses` : ' (its manifest is not cached here: `npm run gc` will work out its records)'} — deleted by \`npm run gc\`, not by deploy`)
  }
  const bundle = await bundleSize()
  console.log(`  worker bundle: ${(bundle.bytes / 1024).toFixed(1)} KiB${bundle.report ? ` (wrangler: ${bundle.report})` : ''}`)
}

async function runDeploy(): Promise<void> {
  const builds = await listBuilds(kv)
  const result = await buildSite(await liveBuild(builds[0]?.id, buildReader(kv, cache)))
  console.log(`deploying to ${kv.name}, worker ${worker.name}`)
  if (result.summary.search.delta) console.log(`  search index: ${result.summary.search.delta} posts in the delta on the live build's base`)
  try {
    const report = await deploy(result, { kv, worker, keep, cache, builds, log: (l) => console.log(l) })
    for (const line of describe(report, { wrote: 'wrote', writes: 'used' })) console.log(line)
    console.log(`  live: build ${report.buildId} (${report.version})`)
    if (report.websub) {
      console.log(`  websub: ${report.websub.pinged.length} changed feeds announced to ${report.websub.hub}`)
      for (const line of report.websub.failed) console.log(`  warning: the hub was not told of ${line}; subscribers will see it at their next poll`)
    }
  } catch (error) {
    if (error instanceof DeployError) fail(`deploy failed: ${error.message}`)
    throw error
  }
}

async function runGcCommand(): Promise<void> {
  const plan = await planGc(kv, { keep, cache })
  console.log(`kept builds (${plan.kept.length}): ${plan.kept.map((b) => b.id).join(', ')}`)
  if (plan.keys.length === 0) return console.log('nothing to delete')
  console.log(`keys no kept build references (${plan.keys.length}):`)
  for (const key of plan.keys) console.log(`  - ${key}`)
  console.log(`KV deletes: ${plan.keys.length}, KV writes: 0 (Workers Free plan: 1,000 of each a day)`)
  if (!values.yes) {
    if (!process.stdin.isTTY) fail('not deleting: run `npm run gc -- --yes` to confirm')
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question('delete them? [y/N] ')
    rl.close()
    if (!/^y(es)?$/i.test(answer.trim())) return console.log('nothing deleted')
  }
  const deleted = await runGc(kv, plan, cache)
  console.log(`deleted ${deleted} keys`)
}

async function runRollback(): Promise<void> {
  const { buildId, version } = await rollback(rest[0], { kv, worker, cache })
  console.log(`live: build ${buildId} (${version}); KV writes used: 1 (its manifest, re-dated)`)
}

const commands: Record<string, () => Promise<void>> = {
  deploy: () => (values['dry-run'] ? dryRun() : runDeploy()),
  gc: runGcCommand,
  rollback: runRollback,
}
const run = commands[command ?? '']
if (!run) fail('usage: tsx scripts/deploy/index.ts deploy|gc|rollback [--dry-run] [--keep N] [--local] [--persist-to DIR] [--yes]')
try {
  await run()
} catch (error) {
  fail(`${command} failed: ${(error as Error).message}`)
}
