/**
 * The writer's preview (`npm start`): build, seed local KV, serve the worker
 * (./workerd.ts) behind the reload proxy (./proxy.ts), both in a process of
 * their own (./runtime.ts), and on every save rebuild, re-seed and tell the
 * open pages, which reload themselves — or show the build's error.
 *
 * The start is kept short: the runtime (one workerd, serving and seeding) and
 * the first build start at once (workerd takes a while to start, the build
 * needs it only to seed), and only keys local KV lacks are written
 * (seed-local.ts).
 *
 * The edit-to-refresh loop is kept short (see README, "The writer's loop"):
 * KV is written through the same long-lived workerd, a batch per request,
 * rather than a wrangler process per edit, and the runtime reloads only when
 * public/ or the worker's code changed. The worker follows `v1:current`,
 * re-read on every request here (POINTER_TTL_MS=0); pages are told only once
 * it serves the new build. A save that changed only a post's own page shows
 * that page first, patched into the previous build, and the rest of the build
 * follows (../pipeline/quick.ts).
 */

import { join } from 'node:path'
import { BuildError, BuildErrors, debugStacks } from '../pipeline/errors.ts'
import { BuildSession, build, prepublish, syncPublic, writePublic, type BuildResult, type OutputFile, type Synced } from '../pipeline/index.ts'
import type { Quick } from '../pipeline/quick.ts'
import { paths } from '../project.ts'
import { seedLocal, seedSoon, type Early } from '../seed-local.ts'
import type { PreviewProxy } from './proxy.ts'
import { rememberBuild, resumableBuild } from './resume.ts'
import { watchTree } from './watch.ts'
import { openRuntime, type RuntimeHandle } from './runtime.ts'

export interface PreviewOptions {
  contentDir: string
  outDir: string
  publicDir: string
  cacheDir: string
  /** Local KV state, as `wrangler dev --persist-to` keeps it. */
  stateDir: string
  /** The writer's port; 0 for any free one. */
  port: number
  /** Print the stack of a failed build to the terminal (`npm start -- --debug`). */
  debug?: boolean
  /** Hide the worker's own output and Miniflare's warnings (tests); npm start shows them. */
  quiet?: boolean
  log?: (line: string) => void
  /** Called once the writer's port is open, with when each part of the start was done. */
  onStarted?: (times: StartTimes) => void
  /** Called after each build is seeded, with how many keys it wrote to local KV. */
  onSeeded?: (seed: { buildId: string; written: number }) => void
}

export interface Preview {
  /** Where the writer reads: the proxy in front of the worker. */
  url: string
  /** Ends the watchers, the proxy and the runtime. */
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

/**
 * Waits until the worker serves `buildId` (its pages' Cache-Tag names it), for
 * at most `ms`, asking for `path`: a saved post's page, which the writer's
 * page asks for next, costs the worker less than the home page's listing.
 */
async function served(upstream: string, buildId: string, ms = 3000, path = '/'): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const tag = await fetch(`${upstream}${encodeURI(path)}`, { method: 'HEAD' }).then((r) => r.headers.get('cache-tag') ?? '', () => '')
    if (tag.split(',').includes(`b-${buildId}`)) return true
    await new Promise((r) => setTimeout(r, 20))
  }
  return false
}

/** What `startPreview` measured of its own start, in ms from the process's start (`performance.now()`). */
export interface StartTimes {
  /** When startPreview was called: Node's start and loading the command. */
  called: number
  /** The first build done (on disk), and seeded into local KV; not before the page when resumed (./resume.ts). */
  built?: number
  seeded?: number
  /** The runtime (./workerd.ts) answering. */
  runtime: number
  /** The writer's port open: the first page can be asked for. */
  ready: number
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** One line: when each part of the start was done, counted from the command. */
export function startLine(t: StartTimes, resumed: boolean): string {
  const head = `[kumo] ready after ${seconds(t.ready)}: node and the command ${seconds(t.called)}, workerd ${seconds(t.runtime)}`
  if (resumed) return `${head}, serving the last build (nothing changed since); building in the background`
  return `${head}, first build ${seconds(t.built!)}, seeded ${seconds(t.seeded!)} (started at once)`
}

/** The runtime (./workerd.ts) and, beside it, the reload proxy (./proxy.ts), started on first use. */
function runtimeOnce(options: PreviewOptions, times: Partial<StartTimes>) {
  let handle: RuntimeHandle | undefined
  let up: Promise<Served> | undefined
  let answering: Served | undefined
  const open = () => (handle ??= openRuntime({ stateDir: options.stateDir, publicDir: options.publicDir, port: 0, quiet: options.quiet, vars: { POINTER_TTL_MS: '0' } }))
  return {
    /** The runtime once it answers. */
    get: () =>
      (up ??= open().up.then(({ url, at }) => {
        answering = { ...handle!, url }
        times.runtime ??= at
        return answering
      })),
    /** Whether it has answered already. */
    isUp: () => answering !== undefined,
    /** The runtime as started, answering or not, for what cannot wait for a turn of the event loop: its calls run once it is up. */
    opened: () => handle,
    dispose: async () => handle?.dispose(),
  }
}

/** The runtime as the preview uses it, once it answers. */
type Served = Omit<RuntimeHandle, 'up'> & { url: string }
type Lazy = ReturnType<typeof runtimeOnce>
type Outcome = Awaited<ReturnType<Rebuild>>

/**
 * The runtime and the first build, started at once (workerd takes a while to
 * start and needs no build; the build needs workerd only to seed). Resumed
 * (./resume.ts): the runtime alone, serving the build local KV has, and the
 * build only once the page is up. If the runtime fails to start, the error is
 * thrown.
 */
async function startAll(
  rebuild: Rebuild,
  runtime: Lazy,
  resumed: string | undefined,
  port: number,
): Promise<{ upstream: string; first: Outcome | undefined; proxy: Promise<PreviewProxy> }> {
  const serving = runtime.get()
  // The writer's port opens with the runtime: a page asked for during the first build is answered once it is live (proxy.ts).
  const proxy = serving.then((up) => up.proxy(port))
  proxy.catch(() => undefined) // awaited by the caller
  const first: Promise<Outcome | undefined> = resumed ? Promise.resolve(undefined) : rebuild()
  first.catch(() => undefined) // seen below, once the runtime is known to be up
  const { url } = await serving
  return { upstream: url, first: await first, proxy }
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const log = options.log ?? ((line: string) => console.log(line))
  const times: Partial<StartTimes> = { called: performance.now() }
  const resumed = await resumableBuild(options)
  // Built afresh: public/ as far as it is known without the posts, before the runtime's asset worker
  // lists it, so that the first build seldom gives the runtime a new public/ (a restart of workerd,
  // ~0.2 s at 159 posts). The build's assets stage then takes what this read from its memos. A failure
  // here is the build's to report.
  if (!resumed) await prepublish(options).catch(() => undefined)
  const runtime = runtimeOnce(options, times)
  // Pages are told through the proxy; the first build has no build before it to patch (quick.ts).
  let shown: ((o: Outcome) => Promise<void>) | undefined
  const rebuild = rebuilder(options, runtime, log, times, (o) => shown?.(o) ?? Promise.resolve())
  const { upstream, first, proxy: opening } = await startAll(rebuild, runtime, resumed, options.port).catch(async (error) => {
    await runtime.dispose()
    throw error
  })
  // A resumed build not served after all (local KV changed under it) is built now, as on a cold start.
  const outcome = first ?? ((await served(upstream, resumed!, 1000)) ? { buildId: resumed! } : await rebuildOrStop(rebuild, runtime))
  const proxy = await opening
  // A saved post shown first (`paths`, quick.ts): its page is served again before the build goes on (proxy.ts).
  const show = async (o: Outcome) => {
    if ('error' in o) return proxy.failed(o.error)
    await served(upstream, o.buildId, 3000, o.paths?.[0])
    await proxy.built(o.buildId, o.paths)
  }
  // The first build goes to the pages at once, unchecked: no page can show an older one, and its
  // pointer is written (local KV reads its own writes; the worker reads the pointer on every
  // request, POINTER_TTL_MS 0). So the first page is the worker's first render, not its second.
  if ('error' in outcome) proxy.failed(outcome.error)
  else await proxy.built(outcome.buildId)
  shown = show
  times.ready = performance.now()
  options.onStarted?.({ ...times } as StartTimes)
  log(startLine(times as StartTimes, resumed !== undefined && first === undefined))
  // Resumed: the session's own first build, which saves start from; if it differs, the pages reload to it.
  const initial = first === undefined && 'buildId' in outcome ? rebuild().then(show) : Promise.resolve()
  const watcher = await rebuildOnChange(options.contentDir, () => rebuild().then(show), initial)
  const code = await reloadOnCode(runtime, proxy, log)

  let ended: () => void
  const stopped = new Promise<void>((resolve) => (ended = resolve))
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      code.close()
      await watcher.close()
      await rebuild.noted()
      await proxy.close()
      await runtime.dispose()
      ended()
    })())
  initial.catch((error: Error) => {
    log(`[kumo] ${error.message.split('\n')[0]}; npm start stops`)
    void stop()
  })
  return { url: proxy.url, stop, stopped }
}

/** The first build after all; if local KV cannot be written, the runtime is stopped and the error thrown. */
async function rebuildOrStop(rebuild: Rebuild, runtime: Lazy): Promise<Outcome> {
  try {
    return await rebuild()
  } catch (error) {
    await runtime.dispose()
    throw error
  }
}

/**
 * The worker's own code (src/) edited while the preview runs: bundled again
 * and served, and the open pages reload, as `wrangler dev` did. A change that
 * does not build is shown on the terminal; the last good worker keeps serving.
 */
async function reloadOnCode(runtime: Lazy, proxy: PreviewProxy, log: (line: string) => void) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const reload = async () => {
    try {
      await (await runtime.get()).reload()
      proxy.reload()
    } catch (error) {
      log(`[kumo] ${String((error as Error).message).split('\n')[0]}`)
    }
  }
  const watcher = await watchTree(join(paths.root, 'src'), () => {
    clearTimeout(timer)
    timer = setTimeout(() => (running = running.then(reload)), 30)
  })
  return {
    close() {
      clearTimeout(timer)
      watcher.close()
    },
  }
}

/** The runtime did not start: not a build's error, so the start ends with it. */
class RuntimeFailed extends Error {}

type Rebuild = {
  (): Promise<{ buildId: string; paths?: string[] } | { error: string }>
  /** Settles when what the runs so far write after seeding (dist/, and the note for the next start, ./resume.ts) is written. */
  noted(): Promise<void>
}

/**
 * What the preview does in the middle of one build (BuildOptions): a saved
 * post's page seeded and shown first (`onQuick`, quick.ts), and public/
 * written as soon as the build knows its files (`onAssets`). With the runtime
 * up, public/ is written then and the runtime reloads to serve it while the
 * rest of the build runs: on a first start that reload (~0.2 s at 159 posts)
 * is off the way to the first page. Not before: the runtime's asset worker
 * lists the folder as it starts.
 */
function buildHooks(options: PreviewOptions, runtime: Lazy, started: number, early: (o: Outcome) => Promise<void>) {
  const hooks = {
    /** public/ as written by onAssets, once the runtime serves it. */
    publishing: undefined as Promise<Synced> | undefined,
    /** The line the build's log adds when a saved post was shown first. */
    shownEarly: undefined as string | undefined,
    /** The records sent to local KV while the build went on (onRecords). */
    seeding: undefined as Early | undefined,
    onAssets: async (files: OutputFile[]) => {
      if (!runtime.isUp()) return
      const synced = await syncPublic(files, options)
      const up = await runtime.get()
      hooks.publishing = (synced.written ? up.reload() : Promise.resolve()).then(() => synced)
      hooks.publishing.catch(() => undefined) // awaited after the build, unless it fails first
    },
    // A first start's hundreds of puts take ~0.5–1 s in local KV: begun here, they overlap the search stage.
    onRecords: (blobs: ReadonlyMap<string, string>) => {
      const opened = runtime.opened()
      if (opened) hooks.seeding = seedSoon(opened.kv, blobs, options.stateDir)
    },
    onQuick: async (quick: Quick) => {
      const { kv } = await runtime.get()
      const { buildId } = await seedLocal({ kv, build: quick, stateDir: options.stateDir })
      await early({ buildId, paths: quick.paths })
      hooks.shownEarly = `${quick.paths.join(', ')} shown after ${Math.round(performance.now() - started)} ms`
    },
  }
  return hooks
}

/**
 * Builds and seeds; the build id, or the message to show. The first run notes
 * its times in `times`. A save that changed only a post's own page is seeded
 * and shown (`early`) as soon as the build has that page (quick.ts), before
 * the rest of the build, which then replaces it.
 */
function rebuilder(options: PreviewOptions, runtime: Lazy, log: (line: string) => void, times: Partial<StartTimes>, early: (o: Outcome) => Promise<void>): Rebuild {
  // Unchanged posts, their records and the search index carry over from one rebuild to the next.
  const session = new BuildSession()
  const { contentDir, outDir, publicDir, cacheDir } = options
  let runs = 0
  let remembering: Promise<void> = Promise.resolve()
  // The last build's render-cache save (BuildResult.saveCache): the next build starts after it.
  let caching: Promise<void> = Promise.resolve()
  const run = async () => {
    await caching
    const first = runs++ === 0
    const started = performance.now()
    let result: BuildResult
    let published: Awaited<ReturnType<typeof writePublic>>
    let served: Served
    const hooks = buildHooks(options, runtime, started, early)
    try {
      result = await build({ contentDir, outDir, publicDir, cacheDir, session, onQuick: hooks.onQuick, onAssets: hooks.onAssets, onRecords: hooks.onRecords })
      // A runtime that failed to start ends the start (startAll, or the resumed start's first build).
      served = await runtime.get().catch((error: Error) => Promise.reject(new RuntimeFailed(error.message)))
      published = await writePublic(result, options, hooks.publishing)
    } catch (error) {
      if (error instanceof RuntimeFailed) throw error
      return failed(error, options, log)
    }
    const built = performance.now()
    try {
      // The runtime has public/ already (onAssets), unless it was not up when the build knew the files.
      const keys = await seedAndReload(served, result, !hooks.publishing && published.changed, options.stateDir, hooks.seeding)
      const seeded = performance.now()
      // Off the save's path, one at a time: the render cache, dist/ (the preview serves from local KV,
      // seeded from memory; dist/ is for `npm run seed` and deploys), then the note for the next start (it stats every
      // content and public/ file). Noted after the build, so a save during it may be counted in: the
      // next start's own build then reloads the pages.
      caching = result.saveCache?.() ?? Promise.resolve()
      remembering = remembering
        .then(() => caching)
        .then(published.writeDist)
        .then(
          () => rememberBuild(options, result.summary.buildId),
          (error: Error) => log(`[kumo] writing ${outDir} failed: ${error.message.split('\n')[0]}`),
        )
        .catch(() => undefined)
      if (first) Object.assign(times, { built, seeded })
      const { summary } = result
      const ahead = hooks.seeding ? ` (${hooks.seeding.keys.length} during the build)` : ''
      const head = `[kumo] build ${summary.buildId}: ${summary.posts} posts, ${keys} keys seeded${ahead}, ${Math.round(seeded - started)} ms (build ${Math.round(built - started)}, seeding ${Math.round(seeded - built)})`
      log(hooks.shownEarly ? `${head}; ${hooks.shownEarly}` : head)
      options.onSeeded?.({ buildId: summary.buildId, written: keys })
      return { buildId: summary.buildId }
    } catch (error) {
      return failed(error, options, log)
    }
  }
  return Object.assign(run, { noted: () => remembering })
}

/**
 * Reloads the serving worker if public/ changed (its asset worker lists
 * public/ only when given its options, ./workerd.ts), then seeds the build.
 * How many keys were written.
 */
async function seedAndReload(served: Served, result: BuildResult, assetsChanged: boolean, stateDir: string, early: Early | undefined): Promise<number> {
  if (assetsChanged) await served.reload()
  return (await seedLocal({ kv: served.kv, build: result, stateDir, early })).written
}

function failed(error: unknown, options: PreviewOptions, log: (line: string) => void): { error: string } {
  const message = messageOf(error)
  // The stack only when asked for: the message names the file and what to do.
  if (options.debug) for (const stack of debugStacks(error)) console.error(stack)
  log(`[kumo] build failed, the open pages show why:\n${message}`)
  return { error: message }
}

/** Watches `dir` and runs `rebuild` after each burst of changes, one run at a time and after `initial`; `close` waits for the run under way. */
async function rebuildOnChange(dir: string, rebuild: () => Promise<void>, initial: Promise<void>): Promise<{ close(): Promise<void> }> {
  // Debounced: an editor's save is often several file events (write temp, rename, chmod), all
  // within a few ms; 15 ms covers them (it is on every save's path), and an event after a build
  // has started runs one more.
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = initial.catch(() => undefined)
  const watcher = await watchTree(dir, () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      // A failed run has said why (the build's errors go to the pages); the next save runs again.
      running = running.then(rebuild).catch(() => undefined)
    }, 15)
  })
  return {
    async close() {
      watcher.close()
      clearTimeout(timer)
      await running.catch(() => undefined)
    },
  }
}
