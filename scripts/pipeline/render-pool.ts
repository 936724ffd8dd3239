/**
 * Parse + render (and the per-post part of derive) of many sources on two
 * threads. On a cold build this is most of the time and is pure CPU per file,
 * so the main thread and a worker thread share it.
 *
 * The worker costs ~0.5 s to start (it loads marked and highlight.js afresh),
 * so a build that will render everything (no render cache yet, nothing in the
 * session) opens the pool first thing (openPool), and the start-up overlaps
 * config, discover, read and the main thread's own first files. Otherwise the
 * pool is opened only when the read stage found many misses.
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

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { SiteConfig } from '../../src/shared/schema.ts'
import type { Edit } from './absolute-urls.ts'
import { hasPacks } from './cache.ts'
import { feedEditsOf } from './derive.ts'
import { BuildError } from './errors.ts'
import { buildPage, buildPost, type Page, type Post } from './posts.ts'
import { storedAnalysis, type StoredAnalysis } from './search-index.ts'
import type { BuildSession } from './session.ts'
import type { SourceFile } from './sources.ts'

/** What derive.ts makes of a post, made beside its render (on whichever thread rendered it). */
export interface Derived {
  feedEdits: Edit[]
  search: StoredAnalysis
}

export type Outcome = { ok: Post | Page; derived?: Derived } | { error: { file: string; message: string; line?: number; stack?: string } }

/** Files the worker thread rendered, over the process's life: the test's proof that a second thread ran. */
export const poolStats = { workerFiles: 0 }

/** Below this many files to render, one thread is faster than starting a second. */
export const PARALLEL_MIN_FILES = 400

/** With the worker started at the build's start (openPool's `early`), its start-up is mostly hidden: fewer files repay it. */
export const EARLY_MIN_FILES = 64

export interface Job {
  files: SourceFile[]
  site: SiteConfig
  nowMs: number
  /** Make the derive values too (derive.ts runs only with a render cache). */
  derive: boolean
  /** One Int32: the index of the next file to claim. */
  next: SharedArrayBuffer
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
  const outcome = buildSource(file, job.site, job.nowMs)
  if (job.derive && 'ok' in outcome && file.kind !== 'page') return { ...outcome, derived: deriveOf(outcome.ok as Post, job.site.url) }
  return outcome
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

export function outcomeError(e: { file: string; message: string; line?: number; stack?: string }): BuildError {
  const error = new BuildError(e.file, '', e.line)
  error.message = e.message // already formatted as "file:line: message"
  if (e.stack) error.debugStack = e.stack
  return error
}

const RUN = new URL('../run.mjs', import.meta.url)

/** A worker thread, started and waiting for one job; closed by run() or close(). */
export interface Pool {
  run(job: Job): Promise<Array<[number, Outcome]> | undefined>
  close(): void
}

/** Whether a build will render every file: nothing in the session, and no render cache on disk yet (cache.ts packs). */
export async function rendersAll(cacheDir: string | undefined, session: BuildSession): Promise<boolean> {
  if (session.posts.size > 0 || session.previous) return false
  return !cacheDir || !(await hasPacks(cacheDir))
}

/** Starts the worker thread, if the machine has a second core; it loads its modules while the caller goes on. */
export function openPool(): Pool | undefined {
  if (availableParallelism() < 2) return undefined
  let worker: Worker
  try {
    worker = new Worker(RUN, { argv: ['pipeline/render-worker'] })
  } catch {
    return undefined
  }
  // Settles with the worker's outcomes, or undefined if it failed or ended without them.
  const done = new Promise<Array<[number, Outcome]> | undefined>((resolve) => {
    worker.once('message', resolve)
    worker.once('error', () => resolve(undefined))
    worker.once('exit', () => resolve(undefined))
  })
  // Idle, it keeps no process alive (a build that fails before render just ends); with a job it does.
  worker.unref()
  const close = () => void worker.terminate()
  return {
    close,
    async run(job) {
      worker.ref()
      worker.postMessage(job)
      const result = await done
      close()
      return result
    },
  }
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
