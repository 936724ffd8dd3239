/**
 * The process that holds `npm start`'s Miniflare (./runtime.ts) and the
 * reload proxy in front of it (./proxy.ts): it answers
 * each request from the preview, one at a time and in order, with a reply of
 * the same id, and ends after `dispose`. Miniflare's own exit hook stops its workerds on SIGTERM.
 */

import { readFile, rm } from 'node:fs/promises'
import { startProxy, type PreviewProxy } from './proxy.ts'
import type { Call, Reply } from './runtime.ts'
import { startWorkerd, type Runtime } from './workerd.ts'

let runtime: Promise<Runtime> | undefined
let proxy: Promise<PreviewProxy> | undefined

async function answer(call: Call): Promise<unknown> {
  switch (call.op) {
    case 'open':
      runtime = startWorkerd(call.options)
      // When, on the wall clock: the preview's process may hear of it much later.
      return { url: (await runtime).url, at: performance.timeOrigin + performance.now() }
    case 'put':
      return (await runtime!).kv.putThen(call.entries, call.then)
    case 'put-file': {
      // Spooled by the preview's process (runtime.ts PutSoon): the seeder's request body as it is.
      const body = await readFile(call.file, 'utf8')
      await rm(call.file, { force: true })
      return (await runtime!).kv.putBatch(body)
    }
    case 'reload':
      return (await runtime!).reload()
    case 'proxy':
      proxy = startProxy((await runtime!).url, call.port)
      return (await proxy).url
    case 'pages': {
      const pages = await proxy!
      if (call.call === 'close') return pages.close()
      if (call.call === 'reload') return pages.reload()
      if (call.call === 'built') return pages.built(call.value!, call.paths)
      return pages.failed(call.value!)
    }
    case 'dispose':
      return (await runtime?.catch(() => undefined))?.dispose()
  }
}

const reply = (message: Reply) => new Promise<void>((resolve) => process.send!(message, () => resolve()))

// One call at a time, in the order sent: a reload restarts workerd, which would fail a put under way.
let queue: Promise<unknown> = Promise.resolve()

process.on('message', (call: Call) => {
  queue = queue
    .then(() => answer(call))
    .then(
      (value) => reply({ id: call.id, value }),
      (error: Error) => reply({ id: call.id, error: String(error?.message ?? error) }),
    )
    .then(() => call.op === 'dispose' && process.exit(0))
})
// The preview gone (its IPC channel closed) without a dispose: stop with it.
process.on('disconnect', () => void (runtime ?? Promise.resolve(undefined)).then((r) => r?.dispose()).finally(() => process.exit(0)))
