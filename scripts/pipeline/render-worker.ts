/**
 * The render worker (see render-pool.ts): waits for one job, claims and
 * builds files from it until none are left, and posts back [index, outcome]
 * for each file it built.
 */

import { parentPort } from 'node:worker_threads'
import { claimAll, type Job } from './render-pool.ts'

parentPort!.once('message', (job: Job) => parentPort!.postMessage(claimAll(job)))
