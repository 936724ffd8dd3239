/**
 * The render worker thread, started without loading the renderer here: the
 * build opens it first thing when it will render (render-pool.ts, which this
 * module is the light half of), so that its start-up overlaps config,
 * discover and read. A build in a new process that finds only a few files to
 * render (an edit) gives them all to the worker and never loads marked,
 * highlight.js and the front-matter parser on the main thread (~100 ms).
 */

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { hasPacks } from './cache.ts'
import { BuildError } from './errors.ts'
import type { Job, Outcome } from './render-pool.ts'
import type { BuildSession } from './session.ts'

const RUN = new URL('../run.mjs', import.meta.url)

/** Files the worker thread rendered, over the process's life: the test's proof that a second thread ran. */
export const poolStats = { workerFiles: 0 }

/**
 * With the worker started at the build's start, its start-up is mostly
 * hidden: this many files repay sharing them between two threads, and fewer
 * are left to the worker alone (render.ts).
 */
export const EARLY_MIN_FILES = 64

/** Below this many files to render, one thread is faster than starting a second (159 posts: no faster; 1,000: ~12%). */
export const PARALLEL_MIN_FILES = 400

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

/** The worker scripts/run.mjs started before loading the command (its PRESTART, PRESTARTED), once, if it is this one and still running. */
function takePrestarted(name: string): Worker | undefined {
  const slot = globalThis as { [k: symbol]: { name: string; worker: Worker; ended: boolean } | undefined }
  const handle = slot[Symbol.for('kumo.prestarted')]
  if (handle?.name !== name) return undefined
  slot[Symbol.for('kumo.prestarted')] = undefined
  return handle.ended ? undefined : handle.worker
}

/** Starts the worker thread, if the machine has a second core; it loads its modules while the caller goes on. */
export function openPool(): Pool | undefined {
  if (availableParallelism() < 2) return undefined
  let worker: Worker
  try {
    worker = takePrestarted('pipeline/render-worker') ?? new Worker(RUN, { argv: ['pipeline/render-worker'] })
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

export function outcomeError(e: { file: string; message: string; line?: number; stack?: string }): BuildError {
  const error = new BuildError(e.file, '', e.line)
  error.message = e.message // already formatted as "file:line: message"
  if (e.stack) error.debugStack = e.stack
  return error
}

/**
 * Every file of `job` rendered on the worker alone, in file order; undefined
 * if the worker failed or returned less (the caller then renders them itself).
 */
export async function renderOnWorker(pool: Pool, job: Job): Promise<Outcome[] | undefined> {
  const got = await pool.run(job)
  if (!got) return undefined
  const outcomes: Outcome[] = new Array(job.files.length)
  for (const [i, outcome] of got) outcomes[i] = outcome
  if (outcomes.includes(undefined as never)) return undefined
  poolStats.workerFiles += outcomes.length
  return outcomes
}
