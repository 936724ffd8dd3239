/**
 * `npm start`: the writer's preview on http://localhost:8787 (or $PORT),
 * offline: builds content/, serves it, and on every save rebuilds; open pages
 * reload themselves, or show the build's error (scripts/preview/).
 *
 * `--content DIR` builds and watches another content folder, `--work DIR`
 * keeps dist/, public/, the cache and local KV under DIR (the dev-loop
 * measurement and the benchmark run on temporary ones).
 */

import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { startPreview } from './preview/index.ts'
import { paths, workPaths } from './project.ts'

const port = Number(process.env.PORT ?? 8787)
const { values } = parseArgs({ options: { content: { type: 'string' }, work: { type: 'string' }, debug: { type: 'boolean', default: false } } })
const contentDir = values.content ? resolve(values.content) : paths.contentDir
const preview = await startPreview({ ...workPaths(values.work), contentDir, port, debug: values.debug })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.prependListener(signal, () => void preview.stop().then(() => process.exit(0)))
console.log(`[kumo] serving http://localhost:${port} — pages reload on save`)
await preview.stopped
process.exit(0)
