/** Stage "summary": the counts, sizes and warnings a build reports (and writes to summary.json). */

import type { Manifest } from '../../src/shared/schema.ts'
import type { Epochs } from './epochs.ts'
import type { Linked } from './link.ts'
import type { StageTimes } from './stages.ts'
import { indexBytes, type SearchIndex } from './search-index.ts'

export interface BuildSummary {
  buildId: string
  posts: number
  scheduled: number
  pages: number
  tags: number
  categories: number
  routes: number
  blobs: number
  kvBytes: number
  /** The search index (every post, scheduled ones too): records, bytes, shards and posts in its delta. */
  search: { records: number; bytes: number; shards: number; delta: number }
  ms: number
  /** Milliseconds of each named stage, in the order they ran (stages.ts). */
  stages: StageTimes
  /** Source files whose parse + render came from the cache. */
  cached: number
  warnings: number
  /** Fence languages highlight.js does not know (shown as plain code) → how many posts and pages use each. */
  unknownLanguages: Record<string, number>
}

/** Language → how many items show code in it as plain text, most first; listed once in the build summary. */
function countLanguages(items: Array<{ unknownLanguages: string[] }>): Record<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) for (const lang of item.unknownLanguages) counts.set(lang, (counts.get(lang) ?? 0) + 1)
  return Object.fromEntries([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)))
}

export interface SummaryInput {
  linked: Linked
  epochs: Epochs
  index: SearchIndex
  manifest: Manifest
  /** The manifest as its KV value. */
  encoded: string
  nowMs: number
  cached: number
  /** performance.now() when the build began. */
  started: number
  stages: StageTimes
  /** Warnings of the build as a whole (routes-owner.ts), before the files' own. */
  buildWarnings: string[]
}

/** The summary, and the build's non-fatal notes, one line each, naming the file. */
export function summary(input: SummaryInput): { summary: BuildSummary; warnings: string[] } {
  const { linked, epochs: { store }, index, manifest } = input
  const visible = linked.included.filter((p) => p.ms <= input.nowMs)
  const warnings = [...input.buildWarnings, ...[...linked.posts, ...linked.pages].flatMap((p) => p.warnings.map((w) => `${p.source}: ${w}`))]
  const summary: BuildSummary = {
    buildId: manifest.buildId,
    posts: visible.length,
    scheduled: linked.included.length - visible.length,
    pages: linked.pages.length,
    tags: new Set(visible.flatMap((p) => p.tags.map((t) => t.slug))).size,
    categories: new Set(visible.flatMap((p) => p.categories.map((t) => t.slug))).size,
    routes: Object.keys(manifest.routes).length,
    blobs: store.blobs.size,
    kvBytes: store.totalBytes() + Buffer.byteLength(input.encoded),
    search: { records: index.blobs.length, bytes: indexBytes(index, store), shards: index.base.table.shards, delta: index.delta },
    ms: Math.round(performance.now() - input.started),
    stages: input.stages,
    cached: input.cached,
    warnings: warnings.length,
    unknownLanguages: countLanguages([...linked.included, ...linked.pages]),
  }
  return { summary, warnings }
}
