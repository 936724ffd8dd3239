/**
 * The commands behind `npm run deploy`, `npm run gc` and `npm run rollback`
 * (the command line is scripts/deploy.ts): each takes the targets it works on
 * and prints what it does. Nothing runs on import.
 */

import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { BuildError, BuildErrors } from '../pipeline/errors.ts'
import { buildToDisk } from '../pipeline/index.ts'
import { DEPLOY_CACHE, paths } from '../project.ts'
import { buildKey } from '../../src/shared/keys.ts'
import { buildReader, deployCache, type DeployCache } from './cache.ts'
import { BudgetError, deploy, describe, DeployError } from './deploy.ts'
import { budgetOf, daysFor, ledgerStore, today, type LedgerStore } from './budget.ts'
import { config } from '../pipeline/config.ts'
import { planGc, runGc as deleteUnreferenced } from './gc.ts'
import { wranglerKv, type KvTarget } from './kv-target.ts'
import { planDeploy } from './plan.ts'
import { rollback } from './rollback.ts'
import { DEFAULT_KEEP, deriveState, emptyState, listBuilds, readState, referencedBlobs, type DeployState } from './state.ts'
import { liveBuild, type LiveBuild } from './live.ts'
import { bundleSize, localWorker, wranglerWorker, type WorkerTarget } from './worker-target.ts'

/** A command's failure, one line for the person who ran it: the command line prints it and exits 1. */
export class CommandError extends Error {}

function fail(message: string): never {
  throw new CommandError(message)
}

export interface Targets {
  kv: KvTarget
  worker: WorkerTarget
  cache: DeployCache
  /** Builds kept for rollback. */
  keep: number
  /** Local KV rather than Cloudflare's. */
  local: boolean
  /** Writes used today and blobs put ahead of their manifest (budget.ts). */
  ledger: LedgerStore
  /** `--budget N`, as given; else site.yml's `kv_writes_per_day`, else the Free plan's 1,000. */
  budget?: string
}

/** Cloudflare's KV and worker, or with `persistTo` the local ones `npm start` serves. */
export function targets(options: { keep: number; persistTo?: string; budget?: string }): Targets {
  const { keep, persistTo, budget } = options
  if (persistTo === undefined) return { kv: wranglerKv({ remote: true }), worker: wranglerWorker(), cache: deployCache(DEPLOY_CACHE), ledger: ledgerStore(DEPLOY_CACHE), keep, local: false, budget }
  // One cache per namespace: what a local run learns must not mislead a dry run for Cloudflare.
  const dir = join(persistTo, 'kumo-deploy')
  return { kv: wranglerKv({ persistTo }), worker: localWorker(join(persistTo, 'kumo-local-worker.json')), cache: deployCache(dir), ledger: ledgerStore(dir), keep, local: true, budget }
}

/** The day's write budget for this run (budget.ts), from the flag or site.yml. */
async function dayBudget(t: Targets): Promise<number> {
  let site: number | undefined
  try {
    site = (await config(paths.contentDir)).kvWritesPerDay
  } catch (error) {
    if (error instanceof BuildErrors || error instanceof BuildError) fail(`build failed, nothing deployed:\n${error.message}`)
    throw error
  }
  try {
    return budgetOf(t.budget, site)
  } catch (error) {
    fail((error as Error).message)
  }
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
async function dryRunState({ kv, cache, keep, local }: Targets): Promise<{ state: DeployState; source: string }> {
  if (local) return { state: await readState(kv, keep, buildReader(kv, cache).refs), source: kv.name }
  const builds = await cache.builds()
  if (!builds) return { state: emptyState(), source: 'nothing (no deploy from this checkout yet: planned as a first deploy)' }
  const state = await deriveState(builds, keep, (id) => cache.refs(id))
  return { state, source: 'the namespace as the last deploy, rollback or gc from this checkout left it (.kumo/deploy)' }
}

export async function dryRun(t: Targets): Promise<void> {
  const { kv, cache, keep, local } = t
  const { state, source } = await dryRunState(t)
  // Offline: the live build's search base only as far as the deploy cache knows it (else the plan counts a new base).
  const offline = local ? buildReader(kv, cache) : { manifest: cache.manifest, blob: cache.blob }
  const result = await buildSite(await liveBuild(state.builds[0]?.id, offline))
  const now = new Date()
  const ledger = today(await t.ledger.read(), now)
  const plan = planDeploy(result.manifest, result.blobs, state, { keep, now, external: result.external, uploaded: new Set(ledger.uploaded) })
  console.log(`dry run, planned against ${source}; nothing is written`)
  for (const line of describe(plan, { wrote: 'would write', writes: 'it would use' })) console.log(line)
  const budget = await dayBudget(t)
  const left = Math.max(0, budget - ledger.used)
  console.log(
    plan.writes <= left
      ? `  fits today's KV write budget: ${left} of ${budget} left`
      : `  will not fit today's KV write budget (${left} of ${budget} left): \`npm run deploy\` uploads ${left} records and stops before the manifest, the live site unchanged; run it again each day to continue (${daysFor(plan.writes, budget, left)} days in all)`,
  )
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

export async function runDeploy(t: Targets): Promise<void> {
  const { kv, worker, cache, keep, ledger } = t
  const budget = await dayBudget(t)
  const builds = await listBuilds(kv)
  const result = await buildSite(await liveBuild(builds[0]?.id, buildReader(kv, cache)))
  console.log(`deploying to ${kv.name}, worker ${worker.name}`)
  if (result.summary.search.delta) console.log(`  search index: ${result.summary.search.delta} posts in the delta on the live build's base`)
  try {
    const report = await deploy(result, { kv, worker, keep, cache, builds, budget, ledger, log: (l) => console.log(l) })
    for (const line of describe(report, { wrote: 'wrote', writes: 'used' })) console.log(line)
    console.log(`  live: build ${report.buildId} (${report.version})`)
    if (report.websub) {
      console.log(`  websub: ${report.websub.pinged.length} changed feeds announced to ${report.websub.hub}`)
      for (const line of report.websub.failed) console.log(`  warning: the hub was not told of ${line}; subscribers will see it at their next poll`)
    }
  } catch (error) {
    if (error instanceof BudgetError) fail(`deploy ${error.message}`)
    if (error instanceof DeployError) fail(`deploy failed: ${error.message}`)
    throw error
  }
}

export async function runGc({ kv, cache, keep }: Targets, yes: boolean): Promise<void> {
  const plan = await planGc(kv, { keep, cache })
  console.log(`kept builds (${plan.kept.length}): ${plan.kept.map((b) => b.id).join(', ')}`)
  if (plan.keys.length === 0) return console.log('nothing to delete')
  console.log(`keys no kept build references (${plan.keys.length}):`)
  for (const key of plan.keys) console.log(`  - ${key}`)
  console.log(`KV deletes: ${plan.keys.length}, KV writes: 0 (Workers Free plan: 1,000 of each a day)`)
  if (!yes) {
    if (!process.stdin.isTTY) fail('not deleting: run `npm run gc -- --yes` to confirm')
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question('delete them? [y/N] ')
    rl.close()
    if (!/^y(es)?$/i.test(answer.trim())) return console.log('nothing deleted')
  }
  const deleted = await deleteUnreferenced(kv, plan, cache)
  console.log(`deleted ${deleted} keys`)
}

export async function runRollback({ kv, worker, cache }: Targets, buildId?: string): Promise<void> {
  const { buildId: id, version } = await rollback(buildId, { kv, worker, cache })
  console.log(`live: build ${id} (${version}); KV writes used: 1 (its manifest, re-dated)`)
}
