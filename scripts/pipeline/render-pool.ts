/**
 * Parse + render (and the per-post part of derive) of many sources on two
 * threads. On a cold build this is most of the time and is pure CPU per file,
 * so the main thread and a worker thread share it.
 *
 * The worker takes ~0.1–0.2 s to start (it loads marked and highlight.js
 * afresh), so a build that will render everything with `parallel` (no render
 * cache yet, nothing in the session), and the first build of a process over a
 * render cache (an edit, most often) open it first thing (render-thread.ts,
 * index.ts earlyPool), and the start-up overlaps config, discover, read and
 * the main thread's own first files. A few files to render are then left to
 * the worker alone (render.ts), so the main thread never loads the renderer.
 * Otherwise the pool is opened only when the read stage found many misses.
 *
 * The files are not split up front: both threads claim the next file from
 * one shared counter (Atomics), so whichever thread is ready renders, however
 * late the worker starts or however uneven the files are. Each file's outcome
 * is the same whichever thread made it (buildSource and the derive values are
 * pure), and outcomes go back in file order, so the build is byte-identical
 * with one thread or two.
 *
 * The worker starts through scripts/run.mjs, as the command-line entries do:
 * from a bundle of render-worker.ts made once (and again when its sources
 * change), which Node loads in a fraction of the time tsx takes to compile
 * the same ~40 files in every worker. If it cannot start or fails, the files
 * it had not returned are rendered on the main thread.
 */

import type { SiteConfig } from '../../src/shared/schema.ts'
import { withZoneParts, type Zones } from '../../src/shared/time.ts'
import type { Edit } from './absolute-urls.ts'
import { feedEditsOf } from './derive.ts'
import { BuildError } from './errors.ts'
import { withHighlights, type Highlighted } from './highlight.ts'
import { buildPage, buildPost, type Page, type Post } from './posts.ts'
import { storedAnalysis, type StoredAnalysis } from './search-index.ts'
import type { Pool } from './render-thread.ts'
import type { SourceFile } from './sources.ts'

import { poolStats } from './render-thread.ts'
export { EARLY_MIN_FILES, PARALLEL_MIN_FILES, openPool, outcomeError, poolStats, rendersAll, type Pool } from './render-thread.ts'

/** What derive.ts makes of a post, made beside its render (on whichever thread rendered it). */
export interface Derived {
  feedEdits: Edit[]
  search: StoredAnalysis
}

export type Outcome = { ok: Post | Page; derived?: Derived; memo?: FileMemo } | { error: { file: string; message: string; line?: number; stack?: string } }

/** A file's code blocks as highlighted: [code and info string, HTML] (highlight.ts withHighlights). */
export type Blocks = Array<[string, Highlighted]>

/**
 * What a render of a file worked out that is a pure function of part of it,
 * for its next edit to reuse (render.ts keeps it in the render cache): its
 * code blocks as highlighted, and the zone parts of its dates (time.ts
 * withZoneParts). With them, an edit's worker loads no highlight.js grammar
 * and starts no ICU unless the edit needs one.
 */
export interface FileMemo {
  blocks: Blocks
  zones: Zones
}

export interface Job {
  files: SourceFile[]
  site: SiteConfig
  nowMs: number
  /** Make the derive values too (derive.ts runs only with a render cache). */
  derive: boolean
  /** One Int32: the index of the next file to claim. */
  next: SharedArrayBuffer
  /** By file, what an earlier render of it worked out; and whether to give back each file's (an edit's, render.ts). */
  memos?: Array<FileMemo | undefined>
  keepMemos?: boolean
}

/** Builds one source; a BuildError becomes a value that can cross threads. */
export function buildSource(file: SourceFile, site: SiteConfig, nowMs: number): Outcome {
  try {
    return { ok: file.kind === 'page' ? buildPage(file, site) : buildPost(file, site, nowMs) }
  } catch (error) {
    if (error instanceof BuildError) return { error: { file: error.file, message: error.message, line: error.line } }
    // Anything else is still this file's fault as far as the writer can act on it: one line naming
    // the file, the stack kept for `--debug`. A RangeError is marked's recursion running out of stack.
    const e = error instanceof Error ? error : new Error(String(error))
    const what = e instanceof RangeError
      ? 'is nested too deeply for the Markdown renderer (it ran out of stack); flatten its deepest quotes, lists or brackets'
      : `could not be rendered (${e.message.split('\n', 1)[0]}); simplify the part of it you changed last`
    return { error: { file: file.path, message: `${file.path}: ${what}`, stack: e.stack } }
  }
}

/** The derive values of a post (derive.ts), computed as derive would: from the post as rendered. */
export function deriveOf(post: Post, siteUrl: string): Derived {
  return { feedEdits: feedEditsOf(post, siteUrl), search: storedAnalysis(post, new WeakMap()) }
}

/** One job's file `i`, rendered, with its derive values when asked for (posts only). */
export function runOne(job: Omit<Job, 'next'>, i: number): Outcome {
  const file = job.files[i]!
  const memo = job.memos?.[i]
  const keep = job.keepMemos ?? false
  const zoned = withZoneParts(memo?.zones, keep, () => withHighlights(memo?.blocks, keep, () => buildSource(file, job.site, job.nowMs)))
  const { value: outcome, made: blocks } = zoned.value
  if (!('ok' in outcome)) return outcome
  const kept = blocks && zoned.made ? { ...outcome, memo: { blocks, zones: zoned.made } } : outcome
  if (job.derive && file.kind !== 'page') return { ...kept, derived: deriveOf(outcome.ok as Post, job.site.url) }
  return kept
}

/** Claims and runs files until none are left; [index, outcome] of each it ran. */
export function claimAll(job: Job, onEach?: () => void): Array<[number, Outcome]> {
  const next = new Int32Array(job.next)
  const out: Array<[number, Outcome]> = []
  for (let i = Atomics.add(next, 0, 1); i < job.files.length; i = Atomics.add(next, 0, 1)) {
    out.push([i, runOne(job, i)])
    onEach?.()
  }
  return out
}


/** Builds every file, in order, on this thread and the pool's (when given). */
export async function buildSources(
  files: SourceFile[],
  site: SiteConfig,
  nowMs: number,
  options: { pool?: Pool; derive: boolean; onEach?: () => void },
): Promise<Outcome[]> {
  const job: Job = { files, site, nowMs, derive: options.derive, next: new SharedArrayBuffer(4) }
  const { pool } = options
  if (!pool) return claimAll(job, options.onEach).map(([, o]) => o)
  const remote = pool.run(job)
  const outcomes: Array<Outcome | undefined> = new Array(files.length)
  for (const [i, o] of claimAll(job, options.onEach)) outcomes[i] = o
  // Nothing left for the worker: it need not be waited for (it may still be loading).
  if (outcomes.filter(Boolean).length === files.length) {
    pool.close()
    return outcomes as Outcome[]
  }
  for (const [i, o] of (await remote) ?? []) {
    outcomes[i] = o
    poolStats.workerFiles++
    options.onEach?.()
  }
  // Whatever the worker claimed and did not return (it failed) is built here.
  return outcomes.map((o, i) => o ?? (options.onEach?.(), runOne(job, i)))
}
