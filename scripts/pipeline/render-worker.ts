/**
 * The render worker (see render-pool.ts): waits for one job, claims and
 * builds files from it until none are left, and posts back [index, outcome]
 * for each file it built.
 */

import { parentPort } from 'node:worker_threads'
import { claimAll, type Job } from './render-pool.ts'

parentPort!.once('message', (job: Job) => {
  const outcomes = claimAll(job)
  // Once, for the next process: V8's code cache of this worker with the renderer compiled (scripts/run.mjs CODE_CACHED).
  ;(globalThis as { [k: symbol]: (() => void) | undefined })[Symbol.for('kumo.saveCodeCache')]?.()
  parentPort!.postMessage(outcomes)
})
