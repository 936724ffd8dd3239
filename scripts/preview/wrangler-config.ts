/**
 * What `npm start` needs of wrangler.toml to run the worker as `wrangler dev`
 * would (./workerd.ts): the compatibility date and flags, the CONTENT
 * namespace's id (which names its local storage), the `[vars]`, and the
 * `[assets]` settings. Read with smol-toml (a TOML 1.0 parser) rather than
 * by pattern, so any valid layout of the file reads the same.
 *
 * The mapping is wrangler's own (wrangler's buildMiniflareOptions and
 * buildAssetOptions): `run_worker_first` becomes the router's
 * `invoke_user_worker_ahead_of_assets`, html_handling and not_found_handling
 * go to the asset worker as they are.
 */

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse } from 'smol-toml'
import { paths } from '../project.ts'

export interface WorkerConfig {
  name: string
  /** The worker's entry, relative to the project's root. */
  main: string
  compatibilityDate: string
  compatibilityFlags: string[]
  /** The CONTENT namespace's id; wrangler files its local storage under it. */
  contentNamespace: string
  vars: Record<string, string>
  assets: { html_handling?: string; not_found_handling?: string; run_worker_first: boolean }
}

type Table = Record<string, unknown>

const table = (v: unknown): Table => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Table) : {})
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [])

/**
 * The id wrangler files the CONTENT namespace under locally: its
 * `[[kv_namespaces]]` entry's `id`, or the binding's name when it has none
 * (wrangler's kvNamespaceEntry does the same).
 */
function namespaceId(config: Table, binding: string): string {
  const entries = Array.isArray(config.kv_namespaces) ? config.kv_namespaces.map(table) : []
  const entry = entries.find((e) => e.binding === binding)
  return typeof entry?.id === 'string' ? entry.id : binding
}

/** `[vars]` as the worker sees them: strings as they are, anything else as JSON (as wrangler passes them). */
function varsOf(config: Table): Record<string, string> {
  return Object.fromEntries(Object.entries(table(config.vars)).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
}

/** The worker's settings from wrangler.toml's text; `file` names it in errors. */
export function workerConfig(toml: string, file = 'wrangler.toml'): WorkerConfig {
  let config: Table
  try {
    config = parse(toml) as Table
  } catch (error) {
    const { message, line, column } = error as Error & { line?: number; column?: number }
    const where = line ? `${file}:${line}:${column}` : file
    throw new Error(`${where}: ${String(message).split('\n')[0]}; fix the file (it is TOML) and run npm start again`)
  }
  const assets = table(config.assets)
  if (typeof config.compatibility_date !== 'string' && !(config.compatibility_date instanceof Date)) {
    throw new Error(`${file}: compatibility_date is missing; set it, e.g. compatibility_date = "2026-05-01"`)
  }
  const date = config.compatibility_date instanceof Date ? config.compatibility_date.toISOString().slice(0, 10) : config.compatibility_date
  return {
    name: typeof config.name === 'string' ? config.name : 'kumo',
    main: typeof config.main === 'string' ? config.main : 'src/index.ts',
    compatibilityDate: String(date),
    compatibilityFlags: strings(config.compatibility_flags),
    contentNamespace: namespaceId(config, 'CONTENT'),
    vars: varsOf(config),
    assets: {
      html_handling: typeof assets.html_handling === 'string' ? assets.html_handling : undefined,
      not_found_handling: typeof assets.not_found_handling === 'string' ? assets.not_found_handling : undefined,
      run_worker_first: assets.run_worker_first === true,
    },
  }
}

/** The project's wrangler.toml, read. */
export async function projectWorkerConfig(): Promise<WorkerConfig> {
  const file = join(paths.root, 'wrangler.toml')
  return workerConfig(await readFile(file, 'utf8'), 'wrangler.toml')
}
