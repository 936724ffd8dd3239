/**
 * The render worker (see render-pool.ts): builds the files it was given and
 * posts back one outcome per file, in order.
 */

import { parentPort, workerData } from 'node:worker_threads'
import type { SiteConfig } from '../../src/shared/schema.ts'
import { buildSource } from './render-pool.ts'
import type { SourceFile } from './sources.ts'

const { files, site, nowMs } = workerData as { files: SourceFile[]; site: SiteConfig; nowMs: number }
parentPort!.postMessage(files.map((f) => buildSource(f, site, nowMs)))
