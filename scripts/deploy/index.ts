/**
 * Command line for `npm run deploy`, `npm run gc` and `npm run rollback`.
 *
 *   npm run deploy [-- --dry-run] [--keep N]     build, upload what KV lacks, switch the worker
 *   npm run gc [-- --yes]                        delete keys no kept build references
 *   npm run rollback [-- <buildId>]              bring back a kept build's Worker version
 *
 * Every command takes `--local [--persist-to DIR]` to work on local KV (the one
 * `npm start` serves, `.wrangler/state` by default) instead of Cloudflare; a
 * local "deploy" then records BUILD_ID in <persist dir>/kumo-local-worker.json.
 */

import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import { parseArgs } from 'node:util'
import { BuildError, BuildErrors } from '../build/errors.ts'
import { buildToDisk } from '../build/index.ts'
import { paths } from '../project.ts'
import { deployCache } from './cache.ts'
import { deploy, describe, DeployError } from './deploy.ts'
import { planGc, runGc } from './gc.ts'
import { wranglerKv, type KvTarget } from './kv-target.ts'
import { planDeploy } from './plan.ts'
import { rollback } from './rollback.ts'
import { DEFAULT_KEEP, emptyState, manifestBlobs, readState, type DeployState } from './state.ts'
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
// Only what was deployed to Cloudflare is cached: a local run must not mislead the next dry run.
const cache = deployCache(join(paths.root, '.kumo', 'deploy'))
const saveCache = async (state: DeployState | null, manifest?: Parameters<typeof cache.save>[1]) => {
  if (!local && state) await cache.save(state, manifest)
}

function fail(message: string): never {
  console.error(message)
  process.exit(1)
}

async function buildSite() {
  try {
    return await buildToDisk({ ...paths })
  } catch (error) {
    if (error instanceof BuildErrors || error instanceof BuildError) fail(`build failed, nothing deployed:\n${error.message}`)
    throw error
  }
}

async function dryRun(): Promise<void> {
  const result = await buildSite()
  const cached = local ? await readState(kv) : await cache.state()
  const state = cached ?? emptyState()
  const source = local ? kv.name : cached ? 'the record cached by the last deploy from this checkout (.kumo/deploy)' : 'nothing (no deploy from this checkout yet: planned as a first deploy)'
  const plan = planDeploy(result.manifest, result.blobs, state, { keep, now: new Date() })
  console.log(`dry run, planned against ${source}; nothing is written`)
  for (const line of describe(plan, { wrote: 'would write', writes: 'it would use' })) console.log(line)
  for (const batch of plan.batches) for (const e of batch) console.log(`    + ${e.key}`)
  // What a gc after this deploy would delete: builds out of the window, and blobs only they use.
  const keptIds = (plan.state ?? state).builds.map((b) => b.id)
  const keptBlobs = new Set<string>(manifestBlobs(result.manifest))
  for (const id of keptIds) {
    const manifest = await cache.manifest(id)
    if (manifest) for (const h of manifestBlobs(manifest)) keptBlobs.add(h)
  }
  for (const id of plan.retired) {
    const manifest = await cache.manifest(id)
    const blobs = manifest ? [...manifestBlobs(manifest)].filter((h) => !keptBlobs.has(h)) : []
    console.log(`    - v1:build:${id}${manifest ? `, and ${blobs.length} records only it uses` : ' (its manifest is not cached here: `npm run gc` will work out its records)'} — deleted by \`npm run gc\`, not by deploy`)
  }
  const bundle = await bundleSize()
  console.log(`  worker bundle: ${(bundle.bytes / 1024).toFixed(1)} KiB${bundle.report ? ` (wrangler: ${bundle.report})` : ''}`)
}

async function runDeploy(): Promise<void> {
  const result = await buildSite()
  console.log(`deploying to ${kv.name}, worker ${worker.name}`)
  try {
    const report = await deploy(result, { kv, worker, keep, log: (l) => console.log(l) })
    for (const line of describe(report, { wrote: 'wrote', writes: 'used' })) console.log(line)
    console.log(`  live: build ${report.buildId} (${report.version})`)
    await saveCache(report.state ?? (await readState(kv)), result.manifest)
  } catch (error) {
    if (error instanceof DeployError) fail(`deploy failed: ${error.message}`)
    throw error
  }
}

async function runGcCommand(): Promise<void> {
  const plan = await planGc(kv)
  console.log(`kept builds (${plan.kept.length}): ${plan.kept.join(', ')}`)
  if (plan.keys.length === 0) return console.log('nothing to delete')
  console.log(`keys no kept build references (${plan.keys.length}):`)
  for (const key of plan.keys) console.log(`  - ${key}`)
  console.log(`KV deletes: ${plan.keys.length}, KV writes: ${plan.state ? 1 : 0} (Workers Free plan: 1,000 of each a day)`)
  if (!values.yes) {
    if (!process.stdin.isTTY) fail('not deleting: run `npm run gc -- --yes` to confirm')
    const rl = createInterface({ input: process.stdin, output: process.stdout })
    const answer = await rl.question('delete them? [y/N] ')
    rl.close()
    if (!/^y(es)?$/i.test(answer.trim())) return console.log('nothing deleted')
  }
  const deleted = await runGc(kv, plan)
  console.log(`deleted ${deleted} keys`)
  if (plan.state) await saveCache(plan.state)
}

async function runRollback(): Promise<void> {
  const { buildId, version } = await rollback(rest[0], { kv, worker, keep })
  console.log(`live: build ${buildId} (${version}); KV writes used: 1 (the deploy record)`)
  await saveCache(await readState(kv))
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
