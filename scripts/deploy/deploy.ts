/**
 * The deploy itself, in the only safe order:
 *   list the builds in KV (state.ts) → upload missing blobs in batches →
 *   put the manifest, dated → switch the worker (`wrangler deploy`) →
 *   tell the WebSub hub, if site.yml names one, which feeds changed (websub.ts).
 * Until the last step the live worker still points at the previous build, whose
 * manifest and blobs nothing here touches: a failure anywhere before it leaves
 * the site as it was, whole. The dated manifest goes up before the switch, so a
 * build that is (or may be) live is always the newest, kept, and gc never
 * deletes it.
 */

import { encodeManifest } from '../../src/shared/manifest-codec.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import { buildReader, type DeployCache } from './cache.ts'
import type { KvTarget } from './kv-target.ts'
import { planDeploy, toBatches, type DeployPlan, type Limits } from './plan.ts'
import { today, type Ledger, type LedgerStore } from './budget.ts'
import { blobKey, buildKey } from '../../src/shared/keys.ts'
import { DEFAULT_KEEP, deriveState, readState, referencedBlobs, type ListedBuild } from './state.ts'
import { DOCS_RECORD } from '../../src/shared/search.ts'
import type { WorkerTarget } from './worker-target.ts'
import { announce, type PingReport } from './websub.ts'
import { manifestFromStored } from '../../src/shared/manifest-codec.ts'

export interface DeployOptions {
  kv: KvTarget
  worker: WorkerTarget
  keep?: number
  limits?: Limits
  now?: Date
  /** What earlier runs learned about this namespace (cache.ts); updated as this one writes. */
  cache?: DeployCache
  /** The namespace's builds, when this run has listed them already (to find the search base). */
  builds?: ListedBuild[]
  /** KV writes allowed a day (budget.ts); none: no limit. */
  budget?: number
  /** Where writes used today and blobs put ahead of their manifest are kept (budget.ts). */
  ledger?: LedgerStore
  log?: (line: string) => void
}

export interface DeployReport extends DeployPlan {
  version: string
  /** What the WebSub hub was told, when site.yml names one. */
  websub?: PingReport
}

export class DeployError extends Error {}

/** A deploy stopped at the day's write budget, its manifest not yet up: the live site is as it was. */
export class BudgetError extends Error {}

export interface Deployable {
  manifest: Manifest
  blobs: ReadonlyMap<string, string>
  /** Blobs the manifest uses from the live build's search base, already in KV. */
  external?: ReadonlySet<string>
}

export async function deploy(build: Deployable, options: DeployOptions): Promise<DeployReport> {
  const keep = options.keep ?? DEFAULT_KEEP
  const reader = buildReader(options.kv, options.cache)
  const state = options.builds ? await deriveState(options.builds, keep, reader.refs) : await readState(options.kv, keep, reader.refs)
  const now = options.now ?? new Date()
  const ledger = options.ledger ? today(await options.ledger.read(), now) : null
  const uploaded = ledger?.uploaded.length ? await stillThere(options.kv, ledger.uploaded) : undefined
  const plan = planDeploy(build.manifest, build.blobs, state, { keep, now, limits: options.limits, external: build.external, uploaded })
  // The build live until now, to tell the hub what changed from it.
  const live = state.builds[0] ? await reader.manifest(state.builds[0].id).catch(() => null) : null
  const left = (options.budget ?? Infinity) - (ledger?.used ?? 0)
  if (plan.writes > left) await pause(plan, options, ledger, left, state.builds[0]?.id)
  await upload(plan, options, ledger)
  if (options.cache) {
    const blob = async (hash: string) => build.blobs.get(hash) ?? (await reader.blob(hash))
    const refs = await referencedBlobs(build.manifest, blob)
    await options.cache.saveBuild(plan.buildId, encodeManifest(build.manifest), refs)
    await options.cache.saveBuilds(plan.builds)
    // The next deploy measures its search index against this build's: keep its doc table at hand.
    const docs = build.manifest.records[DOCS_RECORD]
    const table = docs ? await blob(docs) : null
    if (docs && table) await options.cache.saveBlob(docs, table)
  }
  let version: string
  try {
    version = await options.worker.deploy(plan.buildId)
  } catch (error) {
    throw new DeployError(
      `content for build ${plan.buildId} is uploaded, but switching the worker failed; the live site still serves the previous build. ` +
        `Run \`npm run deploy\` again (it will upload nothing new).\n${(error as Error).message}`,
      { cause: error },
    )
  }
  const websub = await announce(live === null ? undefined : await manifestFromStored(live, reader.manifest), build.manifest, build.blobs, now.getTime())
  return { ...plan, version, websub }
}

/** The blobs of `hashes` that KV lists: what an unfinished deploy put, checked before it is skipped. */
async function stillThere(kv: KvTarget, hashes: string[]): Promise<Set<string>> {
  const prefix = blobKey('')
  const listed = new Set((await kv.list(prefix)).map((k) => k.name.slice(prefix.length)))
  return new Set(hashes.filter((h) => listed.has(h)))
}

/**
 * A deploy over what is left of the day's budget: as many blobs as fit (never
 * the manifest, so nothing new is served), then a BudgetError that says how
 * to finish. Running the same command again skips what went up.
 */
async function pause(plan: DeployPlan, options: DeployOptions, ledger: Ledger | null, left: number, live: string | undefined): Promise<never> {
  const budget = options.budget ?? 0
  const manifestKey = buildKey(plan.buildId)
  const now = plan.batches.flat().filter((e) => e.key !== manifestKey).slice(0, Math.max(0, left))
  const serving = live ? `the live site still serves build ${live}` : 'nothing is served yet'
  const what = now.length ? `uploading ${now.length} records now, the manifest only once every record is in` : 'nothing is written'
  options.log?.(`  this deploy needs ${plan.writes} KV writes; ${Math.max(0, left)} are left of today's budget of ${budget}: ${what}`)
  if (now.length > 0) await upload({ ...plan, batches: toBatches(now, options.limits) }, options, ledger)
  const rest = plan.writes - now.length
  throw new BudgetError(
    `paused at the day's KV write budget (${budget}): ${now.length} of ${plan.writes} writes done, ${rest} to go; ${serving}. ` +
      `Run \`npm run deploy\` again after 00:00 UTC (the same command; \`--budget N\` to change the budget) and it continues where this one stopped.`,
  )
}

async function upload(plan: DeployPlan, options: DeployOptions, ledger: Ledger | null): Promise<void> {
  let sent = 0
  const manifestKey = buildKey(plan.buildId)
  const prefix = blobKey('')
  for (const [i, batch] of plan.batches.entries()) {
    try {
      await options.kv.putMany(batch)
      if (ledger && options.ledger) {
        ledger.used += batch.length
        // Once the manifest is up its blobs are referenced: nothing is pending any more.
        ledger.uploaded = batch.some((e) => e.key === manifestKey) ? [] : [...new Set([...ledger.uploaded, ...batch.map((e) => e.key.slice(prefix.length))])]
        await options.ledger.save(ledger)
      }
    } catch (error) {
      throw new DeployError(
        `upload failed at batch ${i + 1} of ${plan.batches.length} (${sent} keys already sent; they are content-addressed and harmless). ` +
          `The live site still serves the previous build. Run \`npm run deploy\` again.\n${(error as Error).message}`,
        { cause: error },
      )
    }
    sent += batch.length
    options.log?.(`  uploaded batch ${i + 1}/${plan.batches.length}: ${batch.length} keys`)
  }
}

/** The lines that tell the writer what a deploy did or would do. */
export function describe(plan: DeployPlan, verb: { wrote: string; writes: string }): string[] {
  const keys = plan.batches.flat()
  const blobs = keys.filter((e) => e.key.includes(':blob:')).length
  const manifest = keys.length - blobs
  return [
    `build ${plan.buildId}`,
    `  ${verb.wrote}: ${blobs} records, ${manifest} manifest (${(plan.bytes / 1024).toFixed(1)} KiB in ${plan.batches.length} bulk requests)`,
    `  skipped: ${plan.skipped} records already in KV`,
    `  KV writes ${verb.writes}: ${plan.writes} (Workers Free plan: 1,000 a day)`,
    ...(plan.retired.length ? [`  no longer kept: ${plan.retired.join(', ')} (\`npm run gc\` can delete what only they use)`] : []),
  ]
}
