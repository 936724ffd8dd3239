/**
 * Parse + render of many sources on two threads. On a cold 10,000-post build
 * this stage is most of the time and is pure CPU per file, so the main thread
 * renders one half while a worker thread renders the other. Used only when
 * there are enough files to repay the worker's start-up (~0.5 s: it loads
 * marked and highlight.js afresh) and the machine has a second core.
 *
 * The worker starts through scripts/run.mjs, as the command-line entries do:
 * from a bundle of render-worker.ts made once (and again when its sources
 * change), which Node loads in a fraction of the time tsx takes to compile
 * the same ~40 files in every worker. If it cannot start, everything is
 * rendered on the main thread.
 */

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { SiteConfig } from '../../src/shared/schema.ts'
import { BuildError } from './errors.ts'
import { buildPage, buildPost, type Page, type Post } from './posts.ts'
import type { SourceFile } from './sources.ts'

export type Outcome = { ok: Post | Page } | { error: { file: string; message: string; line?: number; stack?: string } }

/** Files the worker thread rendered, over the process's life: the test's proof that a second thread ran. */
export const poolStats = { workerFiles: 0 }

/** Below this many files, one thread is faster than starting a second. */
export const PARALLEL_MIN_FILES = 400

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

export function outcomeError(e: { file: string; message: string; line?: number; stack?: string }): BuildError {
  const error = new BuildError(e.file, '', e.line)
  error.message = e.message // already formatted as "file:line: message"
  if (e.stack) error.debugStack = e.stack
  return error
}

const RUN = new URL('../run.mjs', import.meta.url)

function startWorker(files: SourceFile[], site: SiteConfig, nowMs: number): Promise<Outcome[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(RUN, { argv: ['pipeline/render-worker'], workerData: { files, site, nowMs } })
    worker.once('message', (outcomes: Outcome[]) => {
      resolve(outcomes)
      void worker.terminate()
    })
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`render worker exited with code ${code}`)))
  })
}

/** Builds every file, in order, on up to two threads. */
export async function buildSources(
  files: SourceFile[],
  site: SiteConfig,
  nowMs: number,
  options: { parallel: boolean; onEach?: () => void },
): Promise<Outcome[]> {
  const serial = () => files.map((f) => (options.onEach?.(), buildSource(f, site, nowMs)))
  if (!options.parallel || files.length < PARALLEL_MIN_FILES || availableParallelism() < 2) return serial()
  // The worker takes a little less than half: it starts later.
  const split = Math.floor(files.length * 0.45)
  let remote: Promise<Outcome[]>
  try {
    remote = startWorker(files.slice(0, split), site, nowMs)
  } catch {
    return serial()
  }
  remote.catch(() => undefined) // handled below; never an unhandled rejection
  const local = files.slice(split).map((f) => (options.onEach?.(), buildSource(f, site, nowMs)))
  const done = await remote.then(
    (r) => r,
    () => undefined,
  )
  if (done) poolStats.workerFiles += done.length
  const first = done ?? files.slice(0, split).map((f) => buildSource(f, site, nowMs))
  for (let i = 0; i < split; i++) options.onEach?.()
  return [...first, ...local]
}
