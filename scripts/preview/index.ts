/**
 * The writer's preview (`npm start`): build, seed local KV, run `wrangler dev`
 * behind the reload proxy (./proxy.ts), and on every save rebuild, re-seed and
 * tell the open pages, which reload themselves — or show the build's error.
 *
 * The edit-to-refresh loop is kept short (see README, "The writer's loop"):
 * KV is written through one long-lived local binding (wrangler's
 * getPlatformProxy on `wrangler dev`'s own state folder) rather than a wrangler
 * process per edit, and public/ is left alone unless an asset changed, so
 * `wrangler dev` does not reload. The worker follows `v1:current`, re-read at
 * most once a second; pages are told only once it serves the new build.
 */

import type { ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { getPlatformProxy } from 'wrangler'
import { BuildError, BuildErrors, debugStacks } from '../pipeline/errors.ts'
import { BuildSession, buildToDisk } from '../pipeline/index.ts'
import { bindingKv } from '../deploy/kv-target.ts'
import { waitForReady } from '../local-server.ts'
import { freePort, paths, signalGroup, spawnWranglerDev, stopGroup } from '../project.ts'
import { seedLocal } from '../seed-local.ts'
import { startProxy } from './proxy.ts'
import { watchTree } from './watch.ts'

export interface PreviewOptions {
  contentDir: string
  outDir: string
  publicDir: string
  cacheDir: string
  /** Local KV state, shared by `wrangler dev` and the seeding binding. */
  stateDir: string
  /** The writer's port; 0 for any free one. */
  port: number
  /** Print the stack of a failed build to the terminal (`npm start -- --debug`). */
  debug?: boolean
  /** Hide wrangler's own warnings and errors (tests); npm start shows them. */
  quiet?: boolean
  log?: (line: string) => void
}

export interface Preview {
  /** Where the writer reads: the proxy in front of `wrangler dev`. */
  url: string
  /** Ends the watcher, the proxy and wrangler dev (also called when wrangler dev exits). */
  stop(): Promise<void>
  /** Settles when the preview has stopped, however it stopped. */
  stopped: Promise<void>
}

/** One line a writer can act on: the build's own errors as they are, anything else by its first line. */
function messageOf(error: unknown): string {
  if (error instanceof BuildError || error instanceof BuildErrors) return error.message
  const first = String((error as Error)?.message ?? error).split('\n')[0]
  return `unexpected build failure: ${first} (npm start -- --debug shows where)`
}

/** Waits until the worker serves `buildId` (its pages' Cache-Tag names it), for at most `ms`. */
async function served(upstream: string, buildId: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const tag = await fetch(`${upstream}/`, { method: 'HEAD' }).then((r) => r.headers.get('cache-tag') ?? '', () => '')
    if (tag.split(',').includes(`b-${buildId}`)) return
    await new Promise((r) => setTimeout(r, 100))
  }
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const log = options.log ?? ((line: string) => console.log(line))
  const platform = await getPlatformProxy<{ CONTENT: KVNamespace }>({
    configPath: join(paths.root, 'wrangler.toml'),
    persist: { path: join(options.stateDir, 'v3') },
    remoteBindings: false,
  })
  const rebuild = rebuilder(options, bindingKv(platform.env.CONTENT, 'local'), log)
  const first = await rebuild()
  const { dev, upstream } = await startDev(options, () => platform.dispose())
  const proxy = await startProxy(upstream, options.port)
  if ('error' in first) proxy.failed(first.error)
  else proxy.built(first.buildId)
  const watcher = await rebuildOnChange(options.contentDir, async () => {
    const outcome = await rebuild()
    if ('error' in outcome) return proxy.failed(outcome.error)
    await served(upstream, outcome.buildId)
    proxy.built(outcome.buildId)
  })

  let stopped: Promise<void> | undefined
  const stop = () =>
    (stopped ??= (async () => {
      await watcher.close()
      await proxy.close()
      await stopGroup(dev)
      await platform.dispose()
    })())
  const ended = new Promise<void>((resolve) => dev.once('exit', () => void stop().then(resolve)))
  return { url: proxy.url, stop, stopped: ended }
}

type Rebuild = () => Promise<{ buildId: string } | { error: string }>

/** Builds and seeds; the build id, or the message to show. */
function rebuilder(options: PreviewOptions, kv: ReturnType<typeof bindingKv>, log: (line: string) => void): Rebuild {
  // Unchanged posts, their records and the search index carry over from one rebuild to the next.
  const session = new BuildSession()
  const { contentDir, outDir, publicDir, cacheDir } = options
  return async () => {
    const started = performance.now()
    try {
      const result = await buildToDisk({ contentDir, outDir, publicDir, cacheDir, session })
      const { written } = await seedLocal({ kv, build: result, stateDir: options.stateDir })
      const { summary } = result
      log(`[kumo] build ${summary.buildId}: ${summary.posts} posts, ${written} keys seeded, ${Math.round(performance.now() - started)} ms`)
      return { buildId: summary.buildId }
    } catch (error) {
      const message = messageOf(error)
      // The stack only when asked for: the message names the file and what to do.
      if (options.debug) for (const stack of debugStacks(error)) console.error(stack)
      log(`[kumo] build failed, the open pages show why:\n${message}`)
      return { error: message }
    }
  }
}

/**
 * `wrangler dev` on a free internal port, once it answers: the writer's port
 * opens only then, so no page of the preview is ever a 502. On failure it is
 * stopped and `dispose` runs.
 */
async function startDev(options: PreviewOptions, dispose: () => Promise<void>): Promise<{ dev: ChildProcess; upstream: string }> {
  const internal = await freePort()
  const dev = spawnWranglerDev(internal, options.stateDir, options.publicDir, { quiet: options.quiet })
  const upstream = `http://127.0.0.1:${internal}`
  let exit: string | null = null
  dev.once('exit', (code, signal) => (exit = `code ${code}, signal ${signal}`))
  try {
    await waitForReady(`${upstream}/`, 60_000, () => exit)
  } catch (error) {
    signalGroup(dev, 'SIGKILL')
    await dispose()
    throw error
  }
  return { dev, upstream }
}

/** Watches `dir` and runs `rebuild` after each burst of changes, one run at a time; `close` waits for the run under way. */
async function rebuildOnChange(dir: string, rebuild: () => Promise<void>): Promise<{ close(): Promise<void> }> {
  // Debounced: an editor's save is often several file events (write temp, rename, chmod).
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()
  const watcher = await watchTree(dir, () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      running = running.then(rebuild)
    }, 100)
  })
  return {
    async close() {
      watcher.close()
      clearTimeout(timer)
      await running.catch(() => undefined)
    },
  }
}
