/**
 * `npm start`: builds content/, seeds local KV, serves the site with
 * `wrangler dev` on http://localhost:8787 (or $PORT), offline, and rebuilds
 * and re-seeds whenever a file under content/ changes.
 *
 * The edit-to-refresh loop is kept short (see README, "The writer's loop"):
 * KV is written through one long-lived local binding (wrangler's
 * getPlatformProxy on `wrangler dev`'s own state folder) rather than a wrangler
 * process per edit, and public/ is left alone unless an asset changed, so
 * `wrangler dev` does not reload. The worker follows `v1:current`, re-read at
 * most once a second.
 *
 * `--content DIR` builds and watches another content folder (the dev-loop
 * measurement runs on a temporary copy).
 */

import { watch } from 'node:fs'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { getPlatformProxy } from 'wrangler'
import { BuildError, BuildErrors } from './pipeline/errors.ts'
import { BuildSession, buildToDisk } from './pipeline/index.ts'
import { bindingKv } from './deploy/kv-target.ts'
import { LOCAL_STATE, RENDER_CACHE, paths, signalGroup, spawnWrangler } from './project.ts'
import { seedLocal } from './seed-local.ts'

const port = process.env.PORT ?? '8787'
const { values } = parseArgs({ options: { content: { type: 'string' } } })
const contentDir = values.content ? resolve(values.content) : paths.contentDir

const proxy = await getPlatformProxy<{ CONTENT: KVNamespace }>({
  configPath: join(paths.root, 'wrangler.toml'),
  persist: { path: join(LOCAL_STATE, 'v3') },
  remoteBindings: false,
})
const kv = bindingKv(proxy.env.CONTENT, 'local')

// Unchanged posts, their records and the search index carry over from one rebuild to the next.
const session = new BuildSession()

async function rebuild(): Promise<boolean> {
  const started = performance.now()
  try {
    const result = await buildToDisk({ ...paths, contentDir, cacheDir: RENDER_CACHE, session })
    const { summary } = result
    const { written } = await seedLocal({ kv, build: result })
    const ms = Math.round(performance.now() - started)
    console.log(`[kumo] build ${summary.buildId}: ${summary.posts} posts, ${written} keys seeded, ${ms} ms — refresh to see it`)
    return true
  } catch (error) {
    if (error instanceof BuildError || error instanceof BuildErrors) {
      console.error(`[kumo] build failed, still serving the previous build:\n${error.message}`)
      return false
    }
    throw error
  }
}

if (!(await rebuild())) {
  await proxy.dispose()
  process.exit(1)
}

// In its own process group, so stopping it stops the workerd it starts too.
const dev = spawnWrangler(['dev', '--port', port, '--ip', '127.0.0.1', '--show-interactive-dev-session=false'], { detached: true })
dev.on('exit', async (code) => {
  await proxy.dispose()
  process.exit(code ?? 0)
})
const stopDev = (signal: NodeJS.Signals) => signalGroup(dev, signal)
// First in line: the local KV proxy's own exit hook ends the process on a signal.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.prependListener(signal, () => stopDev(signal))
// And however this process ends, wrangler and its workerd end with it.
process.on('exit', () => stopDev('SIGTERM'))

// Debounced: an editor's save is often several file events.
let timer: NodeJS.Timeout | undefined
let running: Promise<unknown> = Promise.resolve()
watch(contentDir, { recursive: true }, () => {
  clearTimeout(timer)
  timer = setTimeout(() => {
    running = running.then(rebuild)
  }, 100)
})
console.log(`[kumo] serving http://localhost:${port} — watching content/ for changes`)
