/**
 * The one door every deploy, gc and rollback KV operation goes through.
 *
 * `wranglerKv({ remote: true })` talks to the namespace in wrangler.toml on
 * Cloudflare; `wranglerKv({ persistTo })` to the local KV that `wrangler dev`
 * and the tests read. Both run the same `wrangler kv …` commands, so the tests
 * exercise the exact command lines a real deploy runs.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runWrangler } from '../project.ts'

export interface KvEntry {
  key: string
  value: string
  /** KV key metadata (a small JSON object), returned by list: deploys date each manifest with it. */
  metadata?: Readonly<Record<string, string>>
}

/** A listed key: its name and the metadata it was put with, if any. */
export interface KvKey {
  name: string
  metadata?: unknown
}

export interface KvTarget {
  /** Where this target writes, for messages: "remote" or "local (<dir>)". */
  readonly name: string
  get(key: string): Promise<string | null>
  /** One `wrangler kv bulk put` request: at most 10,000 pairs and 100 MB. */
  putMany(entries: KvEntry[]): Promise<void>
  /** One `wrangler kv bulk delete` request: at most 10,000 keys. */
  deleteMany(keys: string[]): Promise<void>
  /** Every key under a prefix, with its metadata (one KV list operation per 1,000 keys). */
  list(prefix: string): Promise<KvKey[]>
}

export type KvLocation = { remote: true } | { persistTo: string }

// `wrangler kv key get --text` prints this on stdout, exit code 0, for a missing key.
// Every value Kumo stores is JSON, so no stored value can be this text.
const NOT_FOUND = 'Value not found'

export function wranglerKv(location: KvLocation, binding = 'CONTENT'): KvTarget {
  const where = 'remote' in location ? ['--remote'] : ['--local', '--persist-to', location.persistTo]
  const flags = ['--binding', binding, ...where]
  const withFile = async <T>(data: unknown, run: (file: string) => Promise<T>): Promise<T> => {
    const dir = await mkdtemp(join(tmpdir(), 'kumo-kv-'))
    try {
      const file = join(dir, 'bulk.json')
      await writeFile(file, JSON.stringify(data))
      return await run(file)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }
  return {
    name: 'remote' in location ? 'remote' : `local (${location.persistTo})`,
    async get(key) {
      const { stdout } = await runWrangler(['kv', 'key', 'get', key, '--text', ...flags])
      const value = stdout.replace(/\n$/, '')
      return value === NOT_FOUND ? null : value
    },
    async putMany(entries) {
      if (entries.length === 0) return
      await withFile(entries, (file) => runWrangler(['kv', 'bulk', 'put', file, ...flags]))
    },
    async deleteMany(keys) {
      if (keys.length === 0) return
      await withFile(keys, (file) => runWrangler(['kv', 'bulk', 'delete', file, '--force', ...flags]))
    },
    async list(prefix) {
      // wrangler follows the cursor itself and prints `[{ name, metadata? }]`.
      const { stdout } = await runWrangler(['kv', 'key', 'list', '--prefix', prefix, ...flags])
      return (JSON.parse(stdout) as KvKey[]).map((k) => (k.metadata === undefined ? { name: k.name } : { name: k.name, metadata: k.metadata }))
    },
  }
}

/**
 * A KV binding as a target: what `npm start` uses, through wrangler's
 * getPlatformProxy on the same local state as `wrangler dev`, so a re-seed
 * after an edit costs milliseconds instead of a wrangler process.
 */
export function bindingKv(kv: KVNamespace, name: string): KvTarget {
  const PARALLEL = 50
  const each = async <T>(items: T[], run: (item: T) => Promise<unknown>) => {
    for (let i = 0; i < items.length; i += PARALLEL) await Promise.all(items.slice(i, i + PARALLEL).map(run))
  }
  return {
    name,
    get: (key) => kv.get(key),
    putMany: (entries) => each(entries, (e) => kv.put(e.key, e.value, e.metadata ? { metadata: e.metadata } : {})),
    deleteMany: (keys) => each(keys, (k) => kv.delete(k)),
    async list(prefix) {
      const keys: KvKey[] = []
      let cursor: string | undefined
      do {
        const page: KVNamespaceListResult<unknown> = await kv.list({ prefix, cursor })
        keys.push(...page.keys.map((k) => (k.metadata == null ? { name: k.name } : { name: k.name, metadata: k.metadata })))
        cursor = page.list_complete ? undefined : page.cursor
      } while (cursor)
      return keys
    },
  }
}
