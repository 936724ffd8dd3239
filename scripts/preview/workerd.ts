/**
 * `npm start`'s runtime: one Miniflare, so one workerd, that serves the Kumo
 * worker on a loopback port and holds a second, seeding worker; both are
 * bound to the local CONTENT namespace in the folder `wrangler dev
 * --persist-to` uses, so `wrangler dev` and `wrangler kv --local` see what
 * `npm start` seeded, and the other way round.
 *
 * Why not `wrangler dev`, as before: measured on the 2-core machine, it took
 * 2.4 s to answer on its own (its CLI alone loads in 1.4 s, then esbuild, a
 * proxy worker and a workerd of its own), all on the cores the first build
 * needs. Miniflare is what
 * `wrangler dev` runs a worker in; the worker is bundled as wrangler bundles
 * it (./worker-bundle.ts) and given wrangler.toml's settings as wrangler maps
 * them (./wrangler-config.ts).
 *
 * Miniflare itself runs in a process of its own (./runtime.ts).
 *
 * Why a seeding worker rather than KV puts through Miniflare's binding proxy:
 * each put through the proxy is a round trip from Node to workerd (measured:
 * 335 puts of 8 kB in 3–4.5 s, 20 in 190 ms); one request carrying the batch
 * took 1.3–2.2 s and 47 ms.
 */

import { randomBytes } from 'node:crypto'
import { mkdir, readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import type { Miniflare as MiniflareType, MiniflareOptions } from 'miniflare'
import type { KvEntry, KvTarget } from '../deploy/kv-target.ts'
import type { PutThen } from '../seed-local.ts'
import { workerBundle } from './worker-bundle.ts'
import { projectWorkerConfig, type WorkerConfig } from './wrangler-config.ts'

/**
 * Puts the posted entries (`{ entries, then }` as JSON, KvEntry[] each) one
 * after another, then the `then` ones; answers how many. One at a time, not
 * all at once: local KV takes its puts in turn anyway, and measured on the
 * 159-post build (200 records, 5.3 MB), the puts took 470–520 ms one by one
 * against 600–800 ms started together.
 */
const SEEDER = `export default {
  async fetch(request, env) {
    const { entries, then } = await request.json()
    const put = async (list) => {
      for (const e of list) await env.CONTENT.put(e.key, e.value, e.metadata ? { metadata: e.metadata } : {})
    }
    await put(entries)
    await put(then)
    return new Response(String(entries.length + then.length))
  },
}`
const SEEDER_NAME = 'kumo-preview-seeder'
/**
 * The seeder is reached by its route, through Miniflare's dispatchFetch
 * (measured: 201 records in 450–560 ms, against 620–790 through
 * getWorker's proxy). The host is secret and under `.invalid` (RFC 6761: it
 * never resolves), so no web page can send the preview's workerd a request
 * that reaches it.
 */
const SEEDER_HOST = `kumo-seed-${randomBytes(16).toString('hex')}.invalid`

/** One batch request at most this big (Miniflare reads the body whole). */
const BATCH_BYTES = 32 * 1024 * 1024

/** Splits `entries` into runs of at most `max` bytes of JSON (an entry bigger than that goes alone). */
export function batches(entries: KvEntry[], max = BATCH_BYTES): KvEntry[][] {
  const out: KvEntry[][] = []
  let size = 0
  for (const entry of entries) {
    const bytes = Buffer.byteLength(entry.value) + entry.key.length + 64
    if (out.length === 0 || size + bytes > max) {
      out.push([])
      size = 0
    }
    out.at(-1)!.push(entry)
    size += bytes
  }
  return out
}

export interface RuntimeOptions {
  /** Local state, as `wrangler dev --persist-to`. */
  stateDir: string
  publicDir: string
  /** The loopback port to serve on; 0 for any free one. */
  port: number
  /** Vars over wrangler.toml's `[vars]` (as `wrangler dev --var`). */
  vars?: Record<string, string>
  /** Hide the worker's own output and Miniflare's warnings (tests). */
  quiet?: boolean
}

export interface Runtime {
  /** Where the worker answers, e.g. http://127.0.0.1:41234. */
  url: string
  /**
   * Local CONTENT, written a batch per request through the seeding worker;
   * `putThen` adds, to the last request, what goes after; `putBatch` sends
   * one request's body as the seeder takes it (`{ entries, then }`), already JSON.
   */
  kv: Pick<KvTarget, 'putMany'> & { putThen: PutThen; putBatch: (body: string) => Promise<void> }
  /**
   * Serve public/ and the worker's code as they are now: the asset worker
   * lists the folder only when given its options, and a changed src/ is
   * bundled again. Miniflare restarts workerd's configuration (same port).
   */
  reload(): Promise<void>
  dispose(): Promise<void>
}

// Loaded with require: imported as ES modules, Node scans Miniflare's 3.8 MB CommonJS file
// for its export names first (measured: 0.8 s to load against 0.4 s).
const loadMiniflare = () => createRequire(import.meta.url)('miniflare') as typeof import('miniflare')

/** The local state, offline, and where workerd's output goes. */
function sharedOptions(options: RuntimeOptions, mf: typeof import('miniflare')) {
  const quiet = options.quiet
  return {
    host: '127.0.0.1',
    // wrangler dev keeps KV under <persist-to>/v3/kv.
    kvPersist: join(options.stateDir, 'v3', 'kv'),
    // Offline: the placeholder `request.cf` rather than fetching Cloudflare's (as CLOUDFLARE_CF_FETCH_ENABLED=false).
    cf: false,
    log: new mf.Log(quiet ? mf.LogLevel.NONE : mf.LogLevel.WARN),
    ...(quiet ? { handleRuntimeStdio: (out: Readable, err: Readable) => void (out.resume(), err.resume()) } : {}),
  }
}

/** Kumo, as wrangler dev would run it, and the seeder beside it on the same namespace. */
function optionsOf(config: WorkerConfig, bundle: Bundle, options: RuntimeOptions, mf: typeof import('miniflare')): MiniflareOptions {
  const { assets } = config
  const kvNamespaces = { CONTENT: config.contentNamespace }
  return {
    ...sharedOptions(options, mf),
    port: options.port,
    workers: [
      {
        name: config.name,
        // The one module, given whole: from a path, Miniflare parses it for imports (~0.2 s per start).
        modules: [{ type: 'ESModule', path: bundle.path, contents: bundle.code }],
        compatibilityDate: config.compatibilityDate,
        compatibilityFlags: config.compatibilityFlags,
        kvNamespaces,
        bindings: { ...config.vars, ...options.vars },
        assets: {
          directory: options.publicDir,
          routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: assets.run_worker_first },
          // With the worker's compatibility date and flags, as wrangler passes them: the asset worker's
          // behaviour follows them.
          assetConfig: {
            html_handling: assets.html_handling,
            not_found_handling: assets.not_found_handling,
            compatibility_date: config.compatibilityDate,
            compatibility_flags: config.compatibilityFlags,
          } as never,
        },
      },
      { name: SEEDER_NAME, modules: true, script: SEEDER, compatibilityDate: config.compatibilityDate, kvNamespaces, routes: [`${SEEDER_HOST}/*`] },
    ],
  }
}

/** Posts one batch, `{ entries, then }` as JSON, to the seeding worker. */
function seedingPost(mf: MiniflareType) {
  return async (body: string) => {
    const res = await mf.dispatchFetch(`http://${SEEDER_HOST}/`, { method: 'POST', body })
    if (!res.ok) throw new Error(`writing local KV failed: ${res.status} ${(await res.text()).split('\n')[0]}`)
    await res.arrayBuffer()
  }
}

/** Posts `entries` to the seeding worker, a batch per request, and `then` with the last batch, to be put after it. */
function seedingPuts(post: (body: string) => Promise<void>): PutThen {
  return async (entries, then) => {
    const runs = batches(entries)
    for (const [i, batch] of runs.entries()) await post(JSON.stringify({ entries: batch, then: i === runs.length - 1 ? then : [] }))
  }
}

interface Bundle {
  path: string
  code: string
}

/** The worker's bundle (made again if its code changed), read. */
async function loadBundle(main: string): Promise<Bundle> {
  const path = await workerBundle(main)
  return { path, code: await readFile(path, 'utf8') }
}

/**
 * Starts workerd with the worker and the seeder, on this thread; resolves
 * once it answers. One workerd for both: two on the same SQLite files fail
 * with SQLITE_BUSY when they start at once (seen: workerd's fatal "database
 * is locked"). The caller runs one call at a time: a reload restarts workerd.
 */
export async function startWorkerd(options: RuntimeOptions): Promise<Runtime> {
  const miniflare = loadMiniflare()
  const config = await projectWorkerConfig()
  // The asset worker lists the folder as it starts; the first build may not have made it yet.
  await mkdir(options.publicDir, { recursive: true })
  const settings = async (port: number) => optionsOf(config, await loadBundle(config.main), { ...options, port }, miniflare)
  const mf = new miniflare.Miniflare(await settings(options.port))
  try {
    const url = (await mf.ready).origin
    // On the port first chosen (0 would pick a new one).
    const reload = async () => mf.setOptions(await settings(Number(new URL(url).port)))
    const putBatch = seedingPost(mf)
    const putThen = seedingPuts(putBatch)
    return { url, kv: { putMany: (entries) => putThen(entries, []), putThen, putBatch }, reload, dispose: () => mf.dispose() }
  } catch (error) {
    await mf.dispose().catch(() => undefined)
    throw error
  }
}
