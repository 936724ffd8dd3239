/**
 * `npm start`: the writer's preview on http://localhost:8787 (or $PORT),
 * offline: builds content/, serves it, and on every save rebuilds; open pages
 * reload themselves, or show the build's error (scripts/preview/).
 *
 * `--content DIR` builds and watches another content folder (the dev-loop
 * measurement runs on a temporary copy); `--work DIR` keeps the build's
 * output, render cache and local KV under DIR instead of the project's
 * (the start measurement's cold and warm starts, scripts/preview/measure.ts).
 */

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startPreview } from './preview/index.ts'
import { paths, workPaths } from './project.ts'

const port = Number(process.env.PORT ?? 8787)
const { values } = parseArgs({ options: { content: { type: 'string' }, work: { type: 'string' }, debug: { type: 'boolean', default: false } } })
const contentDir = values.content ? resolve(values.content) : paths.contentDir
const signals = ['SIGINT', 'SIGTERM'] as const
// Until the preview is up, Ctrl-C ends the command at once: on 'exit' the runtime's process
// group, it and its workerd, is stopped (preview/runtime.ts, project.ts).
const early = () => process.exit(130)
for (const signal of signals) process.on(signal, early)
const preview = await startPreview({ ...workPaths(values.work), contentDir, port, debug: values.debug }).catch((error: Error) => {
  // A build's errors are shown on the pages; this is the preview itself not starting (wrangler.toml, the worker's code, workerd).
  console.error(`[kumo] npm start could not start: ${String(error?.message ?? error).split('\n')[0]}`)
  if (values.debug) console.error(error)
  process.exit(1)
})
for (const signal of signals) {
  process.off(signal, early)
  process.prependListener(signal, () => void preview.stop().then(() => process.exit(0)))
}
console.log(`[kumo] serving http://localhost:${port} — pages reload on save`)
await preview.stopped
process.exit(0)
