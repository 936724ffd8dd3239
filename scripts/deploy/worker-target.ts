/**
 * Switching the live worker to a build: the step that makes a deploy or a
 * rollback visible, and so the one that must come last.
 *
 * `wranglerWorker()` runs `wrangler deploy --var BUILD_ID:<id>` (code and the
 * build it serves switch together, as one Worker version) and `wrangler
 * rollback`. `localWorker(file)` records the build id in a file instead: the
 * tests start a local worker with that BUILD_ID against the same local KV.
 */

import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { runWrangler } from '../project.ts'

export interface WorkerTarget {
  readonly name: string
  /** Makes `buildId` live; returns the new version's id (or a description). */
  deploy(buildId: string): Promise<string>
  /** Brings back the version that served `buildId`. */
  rollback(buildId: string): Promise<string>
}

/** The message that tags a Worker version with its build, so rollback can find it. */
export const versionMessage = (buildId: string): string => `kumo build ${buildId}`

export function wranglerWorker(): WorkerTarget {
  return {
    name: 'Cloudflare (wrangler deploy)',
    async deploy(buildId) {
      const { stdout } = await runWrangler(['deploy', '--var', `BUILD_ID:${buildId}`, '--message', versionMessage(buildId)])
      return /Current Version ID:\s*(\S+)/.exec(stdout)?.[1] ?? 'deployed'
    },
    async rollback(buildId) {
      const { stdout } = await runWrangler(['versions', 'list', '--json'])
      const versions = JSON.parse(stdout) as Array<{ id: string; annotations?: Record<string, string> }>
      const match = versions.filter((v) => v.annotations?.['workers/message'] === versionMessage(buildId)).at(-1)
      if (!match) throw new Error(`no Worker version is tagged "${versionMessage(buildId)}"; pick one with \`npx wrangler versions list\` and run \`npx wrangler rollback <version-id>\``)
      await runWrangler(['rollback', match.id, '--message', `rollback to ${versionMessage(buildId)}`, '--yes'])
      return match.id
    },
  }
}

interface LocalRecord {
  current: string | null
  history: string[]
}

/** The local equivalent of a deploy: BUILD_ID recorded in a JSON file. */
export function localWorker(file: string): WorkerTarget & { current(): Promise<string | null> } {
  const read = async (): Promise<LocalRecord> => JSON.parse(await readFile(file, 'utf8').catch(() => '{"current":null,"history":[]}')) as LocalRecord
  const write = async (buildId: string): Promise<string> => {
    const record = await read()
    record.history.push(buildId)
    record.current = buildId
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, JSON.stringify(record))
    return `local version ${record.history.length}`
  }
  return {
    name: `local (${file})`,
    deploy: write,
    rollback: write,
    current: async () => (await read()).current,
  }
}

/** Bundles the worker as `wrangler deploy --dry-run` would upload it: offline, no account. */
export async function bundleSize(): Promise<{ bytes: number; report: string }> {
  const out = await mkdtemp(join(tmpdir(), 'kumo-bundle-'))
  try {
    const { stdout } = await runWrangler(['deploy', '--dry-run', '--outdir', out, '--var', 'BUILD_ID:dry-run'])
    let bytes = 0
    for (const f of await readdir(out, { recursive: true })) {
      const s = await stat(join(out, f))
      if (s.isFile() && !f.endsWith('.map')) bytes += s.size
    }
    return { bytes, report: /Total Upload:.*$/m.exec(stdout)?.[0] ?? '' }
  } finally {
    await rm(out, { recursive: true, force: true })
  }
}
