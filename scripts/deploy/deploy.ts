/**
 * The deploy itself, in the only safe order:
 *   read the state record → upload missing blobs in batches, the manifest last
 *   → write the state record → switch the worker (`wrangler deploy`).
 * Until the last step the live worker still points at the previous build, whose
 * manifest and blobs nothing here touches: a failure anywhere before it leaves
 * the site as it was, whole. The state record is written before the switch so a
 * build that is (or may be) live is always kept, and gc never deletes it.
 */

import type { Manifest } from '../../src/shared/schema.ts'
import type { KvTarget } from './kv-target.ts'
import { planDeploy, stateEntry, type DeployPlan, type Limits } from './plan.ts'
import { DEFAULT_KEEP, readState } from './state.ts'
import type { WorkerTarget } from './worker-target.ts'

export interface DeployOptions {
  kv: KvTarget
  worker: WorkerTarget
  keep?: number
  limits?: Limits
  now?: Date
  log?: (line: string) => void
}

export interface DeployReport extends DeployPlan {
  version: string
}

export class DeployError extends Error {}

export async function deploy(build: { manifest: Manifest; blobs: ReadonlyMap<string, string> }, options: DeployOptions): Promise<DeployReport> {
  const log = options.log ?? (() => undefined)
  const state = await readState(options.kv)
  const plan = planDeploy(build.manifest, build.blobs, state, {
    keep: options.keep ?? DEFAULT_KEEP,
    now: options.now ?? new Date(),
    limits: options.limits,
  })
  let sent = 0
  for (const [i, batch] of plan.batches.entries()) {
    try {
      await options.kv.putMany(batch)
    } catch (error) {
      throw new DeployError(
        `upload failed at batch ${i + 1} of ${plan.batches.length} (${sent} keys already sent; they are content-addressed and harmless). ` +
          `The live site still serves the previous build. Run \`npm run deploy\` again.\n${(error as Error).message}`,
        { cause: error },
      )
    }
    sent += batch.length
    log(`  uploaded batch ${i + 1}/${plan.batches.length}: ${batch.length} keys`)
  }
  if (plan.state) await options.kv.putMany([stateEntry(plan.state)])
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
  return { ...plan, version }
}

/** The lines that tell the writer what a deploy did or would do. */
export function describe(plan: DeployPlan, verb: { wrote: string; writes: string }): string[] {
  const keys = plan.batches.flat()
  const blobs = keys.filter((e) => e.key.includes(':blob:')).length
  const manifest = keys.length - blobs
  return [
    `build ${plan.buildId}`,
    `  ${verb.wrote}: ${blobs} records, ${manifest} manifest, ${plan.state ? 1 : 0} state record (${(plan.bytes / 1024).toFixed(1)} KiB in ${plan.batches.length} bulk requests)`,
    `  skipped: ${plan.skipped} records already in KV`,
    `  KV writes ${verb.writes}: ${plan.writes} (Workers Free plan: 1,000 a day)`,
    ...(plan.retired.length ? [`  no longer kept: ${plan.retired.join(', ')} (\`npm run gc\` can delete what only they use)`] : []),
  ]
}
