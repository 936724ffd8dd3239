/**
 * `npm start`: the writer's preview on http://localhost:8787 (or $PORT),
 * offline: builds content/, serves it, and on every save rebuilds; open pages
 * reload themselves, or show the build's error (scripts/preview/).
 */

import { join } from 'node:path'
import { startPreview } from './preview/index.ts'
import { paths } from './project.ts'
import { LOCAL_STATE } from './seed-local.ts'

const port = Number(process.env.PORT ?? 8787)
const preview = await startPreview({ ...paths, cacheDir: join(paths.root, '.kumo', 'cache'), stateDir: LOCAL_STATE, port })
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.prependListener(signal, () => void preview.stop().then(() => process.exit(0)))
console.log(`[kumo] serving http://localhost:${port} — pages reload on save`)
await preview.stopped
process.exit(0)
