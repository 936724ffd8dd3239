/**
 * The local KV that `npm start` seeds, written from this process: a Miniflare
 * instance on `wrangler dev`'s own state folder, holding the CONTENT namespace
 * and one small worker that puts a whole batch of entries from inside workerd.
 *
 * Why not wrangler's getPlatformProxy, or a `wrangler kv` process: every put
 * through the binding proxy is a round trip from Node to workerd (measured:
 * 335 puts of 8 kB in 3–4.5 s on the 2-core machine, 20 in 190 ms), where one
 * request carrying the batch took 1.3–2.2 s and 47 ms; Miniflare starts in
 * ~0.4 s against getPlatformProxy's ~1 s, and loading it costs half of loading
 * wrangler.
 */

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { bindingKv, type KvEntry, type KvTarget } from '../deploy/kv-target.ts'
import { paths } from '../project.ts'

/** Puts the posted entries (`KvEntry[]` as JSON) all at once and answers how many. */
const SEEDER = `export default {
  async fetch(request, env) {
    const entries = await request.json()
    await Promise.all(entries.map((e) => env.CONTENT.put(e.key, e.value, e.metadata ? { metadata: e.metadata } : {})))
    return new Response(String(entries.length))
  },
}`

/** One batch request at most this big (Miniflare reads the body whole). */
const BATCH_BYTES = 32 * 1024 * 1024

/**
 * The id `wrangler dev` files the CONTENT namespace under locally: the
 * `id` of its `[[kv_namespaces]]` table in wrangler.toml, or the binding's
 * name when it has none (wrangler's kvNamespaceEntry does the same).
 */
export function localNamespaceId(toml: string, binding = 'CONTENT'): string {
  for (const table of toml.split(/^\s*\[\[kv_namespaces\]\]\s*$/m).slice(1)) {
    const body = table.split(/^\s*\[/m)[0]!
    const value = (key: string) => new RegExp(`^\\s*${key}\\s*=\\s*"([^"]*)"`, 'm').exec(body)?.[1]
    if (value('binding') === binding) return value('id') ?? binding
  }
  return binding
}

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

export interface LocalKv {
  kv: KvTarget
  dispose(): Promise<void>
}

/** The CONTENT namespace of the local state in `stateDir` (`wrangler dev --persist-to stateDir`). */
export async function openLocalKv(stateDir: string): Promise<LocalKv> {
  const toml = await readFile(join(paths.root, 'wrangler.toml'), 'utf8')
  const { Miniflare } = await import('miniflare')
  const mf = new Miniflare({
    modules: true,
    script: SEEDER,
    compatibilityDate: /^\s*compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)?.[1] ?? '2026-05-01',
    kvNamespaces: { CONTENT: localNamespaceId(toml) },
    // wrangler dev keeps KV under <persist-to>/v3/kv.
    kvPersist: join(stateDir, 'v3', 'kv'),
  })
  try {
    await mf.ready
    const binding = bindingKv((await mf.getKVNamespace('CONTENT')) as unknown as KVNamespace, 'local')
    const putMany = async (entries: KvEntry[]) => {
      for (const batch of batches(entries)) {
        const res = await mf.dispatchFetch('http://seed.local/', { method: 'POST', body: JSON.stringify(batch) })
        if (!res.ok) throw new Error(`writing local KV failed: ${res.status} ${(await res.text()).split('\n')[0]}`)
        await res.arrayBuffer()
      }
    }
    return { kv: { ...binding, putMany }, dispose: () => mf.dispose() }
  } catch (error) {
    await mf.dispose().catch(() => undefined)
    throw error
  }
}
