/**
 * `npm start`: builds content/, seeds local KV, serves the site with
 * `wrangler dev` on http://localhost:8787 (or $PORT), offline, and rebuilds
 * and re-seeds whenever a file under content/ changes.
 */

import { watch } from 'node:fs'
import { BuildError, BuildErrors } from './build/errors.ts'
import { buildToDisk } from './build/index.ts'
import { paths } from './project.ts'
import { seedLocal } from './seed-local.ts'
import { spawnWrangler } from './wrangler.ts'

const port = process.env.PORT ?? '8787'

async function rebuild(): Promise<boolean> {
  try {
    const { summary } = await buildToDisk({ ...paths })
    const { written } = await seedLocal()
    console.log(`[kumo] build ${summary.buildId}: ${summary.posts} posts in ${summary.ms} ms, ${written} keys seeded`)
    return true
  } catch (error) {
    if (error instanceof BuildError || error instanceof BuildErrors) {
      console.error(`[kumo] build failed, still serving the previous build:\n${error.message}`)
      return false
    }
    throw error
  }
}

if (!(await rebuild())) process.exit(1)

const dev = spawnWrangler(['dev', '--port', port, '--ip', '127.0.0.1', '--show-interactive-dev-session=false'])
dev.on('exit', (code) => process.exit(code ?? 0))
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal))

// Debounced: an editor's save is often several file events.
let timer: NodeJS.Timeout | undefined
let running: Promise<unknown> = Promise.resolve()
watch(paths.contentDir, { recursive: true }, () => {
  clearTimeout(timer)
  timer = setTimeout(() => {
    running = running.then(rebuild)
  }, 150)
})
console.log(`[kumo] serving http://localhost:${port} — watching content/ for changes`)
