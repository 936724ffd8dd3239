/**
 * `npm start`'s runtime (./workerd.ts) in a process of its own
 * (./runtime-process.ts), so that loading and configuring Miniflare does not
 * hold up the first build: measured, Miniflare's module takes ~0.5 s of the
 * thread that loads it and each configuration ~0.15 s more, time the build
 * lost while both ran on one thread. A process rather than a worker thread:
 * its group (it and the workerds it starts) can be stopped synchronously
 * however this process ends, as `wrangler dev`'s is (project.ts); a thread's
 * workerds outlived an early Ctrl-C. The entries to seed cross the IPC
 * channel by structured clone, a copy of a few megabytes.
 */

import { fork } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopGroup, stopWithThisProcess } from '../project.ts'
import type { KvEntry } from '../deploy/kv-target.ts'
import type { PreviewProxy } from './proxy.ts'
import { batches, type Runtime, type RuntimeOptions } from './workerd.ts'

/** What the preview asks of the runtime's process; `pages`: the reload proxy's calls (./proxy.ts), by name. */
type Op =
  | { op: 'open'; options: RuntimeOptions }
  | { op: 'put'; entries: KvEntry[]; then: KvEntry[] }
  | { op: 'put-file'; file: string }
  | { op: 'reload' }
  | { op: 'proxy'; port: number }
  | { op: 'pages'; call: 'built' | 'failed' | 'reload' | 'close'; value?: string; paths?: string[] }
  | { op: 'dispose' }
export type Call = Op & { id: number }
export type Reply = { id: number; value?: unknown; error?: string }

const RUN = new URL('../run.mjs', import.meta.url)

/**
 * Puts `entries` without waiting for this thread's event loop: they are
 * written to a file now, synchronously, and the runtime's process is sent
 * only its name. A message of megabytes would cross the IPC socket a buffer
 * at a time, and only while this thread is idle, which a build's search
 * stage is not; a file's name crosses at once, and the runtime's process
 * reads the file on its own core. Resolves once they are in local KV.
 */
export type PutSoon = (entries: KvEntry[]) => Promise<void>

/** PutSoon through `call`, its files in a folder of its own under the system's temporary one. */
function spooled(call: (op: Op) => Promise<unknown>): PutSoon & { clear(): Promise<void> } {
  let dir: string | undefined
  let next = 0
  const putSoon = (entries: KvEntry[]) => {
    dir ??= mkdtempSync(join(tmpdir(), 'kumo-seed-'))
    const sent = batches(entries).map((batch) => {
      const file = join(dir!, `${next++}.json`)
      writeFileSync(file, JSON.stringify({ entries: batch, then: [] }))
      return call({ op: 'put-file', file })
    })
    return Promise.all(sent).then(() => undefined)
  }
  return Object.assign(putSoon, { clear: async () => void (dir && (await rm(dir, { recursive: true, force: true }))) })
}

/** The runtime as the preview holds it: usable at once, calls queue behind the start. */
export interface RuntimeHandle extends Omit<Runtime, 'url' | 'kv'> {
  kv: Omit<Runtime['kv'], 'putBatch'> & { putSoon: PutSoon }
  /** Where the worker answers, once it does, and when it first did (`performance.now()` here); rejects if it could not start. */
  up: Promise<{ url: string; at: number }>
  /**
   * The reload proxy (./proxy.ts) in front of the worker, on the writer's
   * `port`, served from the runtime's process: a page asked for while this
   * process builds is answered at once, not once the build yields.
   */
  proxy(port: number): Promise<PreviewProxy>
}

/**
 * Starts the process and, in it, workerd with the worker and the seeder.
 * Calls are sent at once and run in order after the start: replies reach
 * this process only when its thread is idle, which a build seldom is.
 */
export function openRuntime(options: RuntimeOptions): RuntimeHandle {
  // Its own process group, so that one signal stops it and its workerds (project.ts).
  const child = fork(RUN, ['preview/runtime-process'], { detached: true, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  stopWithThisProcess(child)
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  let next = 0
  let ended: Error | undefined
  child.on('message', (reply: Reply) => {
    const w = waiting.get(reply.id)
    waiting.delete(reply.id)
    if (reply.error !== undefined) w?.reject(new Error(reply.error))
    else w?.resolve(reply.value)
  })
  child.on('exit', (code, signal) => {
    ended = new Error(`the preview's runtime has stopped (code ${code}, signal ${signal})`)
    for (const w of waiting.values()) w.reject(ended)
    waiting.clear()
  })
  const call = <T>(op: Op): Promise<T> =>
    ended
      ? Promise.reject(ended)
      : new Promise<T>((resolve, reject) => {
          const id = next++
          waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
          child.send({ ...op, id })
        })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const up = call<{ url: string; at: number }>({ op: 'open', options }).then(({ url, at }) => ({ url, at: at - performance.timeOrigin }))
  up.catch(() => void stopGroup(child))
  const putSoon = spooled(call)
  return {
    up,
    kv: { putMany: (entries) => call({ op: 'put', entries, then: [] }), putThen: (entries, then) => call({ op: 'put', entries, then }), putSoon },
    reload: () => call({ op: 'reload' }),
    async proxy(port) {
      const url = await call<string>({ op: 'proxy', port })
      // Announcements are not waited for: they run in order after what was sent before them.
      const pages = (name: 'built' | 'failed' | 'reload', value?: string) => void call({ op: 'pages', call: name, value }).catch(() => undefined)
      return {
        url,
        // Waited for only when it names changed pages (proxy.ts).
        built: (buildId, paths) => {
          const told = call<void>({ op: 'pages', call: 'built', value: buildId, paths }).catch(() => undefined)
          return paths?.length ? told : Promise.resolve()
        },
        failed: (message) => pages('failed', message),
        reload: () => pages('reload'),
        close: () => call<void>({ op: 'pages', call: 'close' }).catch(() => undefined),
      }
    },
    async dispose() {
      await call({ op: 'dispose' }).catch(() => undefined)
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
      await stopGroup(child)
      await putSoon.clear()
    },
  }
}
