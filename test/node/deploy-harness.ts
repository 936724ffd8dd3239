/**
 * What the deploy tests share: a copy of the deploy fixture blog to edit, local
 * KV under a temporary persist dir reached through the real `wrangler kv`
 * commands, a KV target that counts writes, and the worker itself (wrangler's
 * unstable_dev) serving whatever build the local "deploy" recorded.
 */

import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { unstable_dev } from 'wrangler'
import { build } from '../../scripts/pipeline/index.ts'
import type { LiveBuild } from '../../scripts/deploy/live.ts'
import type { KvEntry, KvTarget } from '../../scripts/deploy/kv-target.ts'
import { wranglerKv } from '../../scripts/deploy/kv-target.ts'
import { localWorker } from '../../scripts/deploy/worker-target.ts'
import { routeAt } from '../../src/data/resolve.ts'
import { indexManifest } from '../../src/shared/manifest-codec.ts'
import { href } from '../../src/shared/paths.ts'
import type { Manifest } from '../../src/shared/schema.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
export const DEPLOY_FIXTURE = join(root, 'test', 'fixtures', 'deploy', 'content')
export const DEPLOY_NOW = new Date('2024-01-01T00:00:00Z')

export interface Counted extends KvTarget {
  writes: number
  deletes: number
  /** Each bulk put request, in order. */
  puts: KvEntry[][]
  /** Each bulk delete request, in order. */
  dels: string[][]
  /** Every key read with get, in order. */
  reads: string[]
  /** Prefixes listed, in order. */
  lists: string[]
  reset(): void
}

/** Wraps a target and counts what it does: one KV write per key put, one delete per key, every read and list. */
export function counting(inner: KvTarget): Counted {
  const c: Counted = {
    name: inner.name,
    writes: 0,
    deletes: 0,
    puts: [],
    dels: [],
    reads: [],
    lists: [],
    reset() {
      c.writes = 0
      c.deletes = 0
      c.puts = []
      c.dels = []
      c.reads = []
      c.lists = []
    },
    get: (k) => {
      c.reads.push(k)
      return inner.get(k)
    },
    list: (p) => {
      c.lists.push(p)
      return inner.list(p)
    },
    async putMany(entries) {
      await inner.putMany(entries)
      c.writes += entries.length
      c.puts.push(entries)
    },
    async deleteMany(keys) {
      await inner.deleteMany(keys)
      c.deletes += keys.length
      c.dels.push(keys)
    },
  }
  return c
}

export async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'kumo-deploy-'))
  const content = join(dir, 'content')
  await cp(DEPLOY_FIXTURE, content, { recursive: true })
  const persistTo = join(dir, 'kv')
  const kv = counting(wranglerKv({ persistTo }))
  const worker = localWorker(join(dir, 'worker.json'))
  return {
    dir,
    content,
    persistTo,
    kv,
    worker,
    /** Builds the fixture copy; against the live build, as `npm run deploy` builds (its dates, its search base). */
    build: (live: LiveBuild = {}) => build({ contentDir: content, outDir: '', publicDir: '', now: DEPLOY_NOW, ...live }),
    async edit(file: string, change: (text: string) => string) {
      const path = join(content, 'posts', file)
      await writeFile(path, change(await readFile(path, 'utf8')))
    },
  }
}

/**
 * Serves the recorded build with the real worker on the same local KV, and
 * fetches every route live at this moment: what a reader would get.
 */
export async function serveAll(persistTo: string, buildId: string, manifest: Manifest, extra: string[] = []) {
  await mkdir(join(root, 'public'), { recursive: true })
  const worker = await unstable_dev(join(root, 'src', 'index.ts'), {
    config: join(root, 'wrangler.toml'),
    persistTo,
    vars: { BUILD_ID: buildId },
    ip: '127.0.0.1',
    port: 0,
    logLevel: 'none',
    experimental: { disableExperimentalWarning: true },
  })
  try {
    const now = Date.now()
    const index = indexManifest(manifest)
    const paths = [...Object.keys(manifest.routes).filter((p) => routeAt(index, p, now)), ...extra]
    const fetched = await Promise.all(
      paths.map(async (path) => {
        const res = await worker.fetch(href(path), { redirect: 'manual' })
        return [path, { status: res.status, body: await res.text() }] as const
      }),
    )
    return new Map(fetched)
  } finally {
    await worker.stop()
  }
}
