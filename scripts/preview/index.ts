/**
 * The writer's preview (`npm start`): build, seed local KV, run `wrangler dev`
 * behind the reload proxy (./proxy.ts), and on every save rebuild, re-seed and
 * tell the open pages, which reload themselves — or show the build's error.
 *
 * The start is kept short: `wrangler dev`, the seeding binding and the first
 * build start at once (each workerd takes seconds, the build needs neither
 * until it seeds), and only keys local KV lacks are written (seed-local.ts).
 *
 * The edit-to-refresh loop is kept short (see README, "The writer's loop"):
 * KV is written through one long-lived Miniflare on `wrangler dev`'s own state
 * folder, a batch per request (./local-kv.ts), rather than a wrangler process
 * per edit, and public/ is left alone unless an asset changed, so
 * `wrangler dev` does not reload. The worker follows `v1:current`, re-read on
 * every request here (POINTER_TTL_MS=0); pages are told only once it serves
 * the new build.
 */

import type { ChildProcess } from 'node:child_process'
import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BuildError, BuildErrors, debugStacks } from '../pipeline/errors.ts'
import { BuildSession, build, writePublic, type BuildResult } from '../pipeline/index.ts'
import type { KvTarget } from '../deploy/kv-target.ts'
import { waitForReady } from '../local-server.ts'
import { freePort, signalGroup, spawnWranglerDev, stopGroup } from '../project.ts'
import { seedLocal } from '../seed-local.ts'
import { openLocalKv, type LocalKv } from './local-kv.ts'
import { startProxy } from './proxy.ts'
import { rememberBuild, resumableBuild } from './resume.ts'
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
  /** Called once the writer's port is open, with when each part of the start was done. */
  onStarted?: (times: StartTimes) => void
  /** Called after each build is seeded, with how many keys it wrote to local KV. */
  onSeeded?: (seed: { buildId: string; written: number }) => void
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
async function served(upstream: string, buildId: string, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const tag = await fetch(`${upstream}/`, { method: 'HEAD' }).then((r) => r.headers.get('cache-tag') ?? '', () => '')
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
  /** The seeding side of local KV (./local-kv.ts, a workerd of its own) up. */
  localKv?: number
  /** `wrangler dev` answering. */
  dev: number
  /** The writer's port open: the first page can be asked for. */
  ready: number
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

/** One line: when each part of the start was done, counted from the command. */
export function startLine(t: StartTimes, resumed: boolean): string {
  const head = `[kumo] ready after ${seconds(t.ready)}: node and the command ${seconds(t.called)}, wrangler dev ${seconds(t.dev)}`
  if (resumed) return `${head}, serving the last build (nothing changed since); building in the background`
  return `${head}, first build ${seconds(t.built!)}, seeded ${seconds(t.seeded!)}, local KV binding ${seconds(t.localKv!)} (all started at once)`
}

/** The seeding side of local KV (./local-kv.ts), started on first use. */
function localKv(stateDir: string, times: Partial<StartTimes>) {
  let started: Promise<LocalKv> | undefined
  return {
    get: () =>
      (started ??= openLocalKv(stateDir).then((local) => {
        times.localKv ??= performance.now()
        return local
      })),
    dispose: async () => (await started?.catch(() => undefined))?.dispose(),
  }
}

type Outcome = Awaited<ReturnType<Rebuild>>

/**
 * wrangler dev, the seeding binding and the first build, started at once
 * (workerd takes seconds to start and needs no build; the build needs no
 * workerd until it seeds). Resumed (./resume.ts): wrangler dev alone, serving
 * the build local KV has, and the build only once the page is up. If a
 * process fails to start, the other is stopped and the error thrown.
 */
async function startAll(options: PreviewOptions, rebuild: Rebuild, kv: ReturnType<typeof localKv>, resumed: string | undefined, times: Partial<StartTimes>) {
  let kvFailed: string | null = null
  const binding = resumed ? undefined : kv.get()
  binding?.catch((e: Error) => (kvFailed = `the local KV binding failed: ${e.message}`))
  const first: Promise<Outcome | undefined> = resumed ? Promise.resolve(undefined) : rebuild()
  first.catch(() => undefined) // seen below, once the binding is known to be up
  let firstFailed = false
  void first.then((o) => (firstFailed = !!o && 'error' in o), () => undefined)
  // With no build ever seeded, the worker answers 503 until the first good one: a failed one is shown by the proxy instead.
  const dev = startDev(options, { after: first, accept: (status) => status < 500 || firstFailed, cancelled: () => kvFailed })
  dev.then(() => (times.dev = performance.now()), () => undefined)
  const [p, d] = await Promise.allSettled([binding, dev])
  if (p.status === 'rejected' || d.status === 'rejected') {
    if (d.status === 'fulfilled') await stopGroup(d.value.dev)
    await kv.dispose()
    throw p.status === 'rejected' ? p.reason : (d as PromiseRejectedResult).reason
  }
  return { ...d.value, first: await first }
}

export async function startPreview(options: PreviewOptions): Promise<Preview> {
  const log = options.log ?? ((line: string) => console.log(line))
  const times: Partial<StartTimes> = { called: performance.now() }
  const kv = localKv(options.stateDir, times)
  const rebuild = rebuilder(options, kv.get, log, times)
  const resumed = await resumableBuild(options)
  const { dev, upstream, first } = await startAll(options, rebuild, kv, resumed, times)
  // A resumed build not served after all (local KV changed under it) is built now, as on a cold start.
  const outcome = first ?? ((await served(upstream, resumed!, 1000)) ? { buildId: resumed! } : await rebuildOrStop(rebuild, dev, kv))
  if (!('error' in outcome)) await served(upstream, outcome.buildId)
  const proxy = await startProxy(upstream, options.port)
  const show = async (o: Outcome) => {
    if ('error' in o) return proxy.failed(o.error)
    await served(upstream, o.buildId)
    proxy.built(o.buildId)
  }
  await show(outcome)
  times.ready = performance.now()
  options.onStarted?.({ ...times } as StartTimes)
  log(startLine(times as StartTimes, resumed !== undefined && first === undefined))
  // Resumed: the session's own first build, which saves start from; if it differs, the pages reload to it.
  const initial = first === undefined && 'buildId' in outcome ? rebuild().then(show) : Promise.resolve()
  const watcher = await rebuildOnChange(options.contentDir, () => rebuild().then(show), initial)

  let stopped: Promise<void> | undefined
  const stop = () =>
    (stopped ??= (async () => {
      await watcher.close()
      await rebuild.noted()
      await proxy.close()
      await stopGroup(dev)
      await kv.dispose()
    })())
  initial.catch((error: Error) => {
    log(`[kumo] ${error.message.split('\n')[0]}; npm start stops`)
    void stop()
  })
  const ended = new Promise<void>((resolve) => dev.once('exit', () => void stop().then(resolve)))
  return { url: proxy.url, stop, stopped: ended }
}

/** The first build after all; if local KV cannot be written, wrangler dev and the binding are stopped and the error thrown. */
async function rebuildOrStop(rebuild: Rebuild, dev: ChildProcess, kv: ReturnType<typeof localKv>): Promise<Outcome> {
  try {
    return await rebuild()
  } catch (error) {
    await stopGroup(dev)
    await kv.dispose()
    throw error
  }
}

type Rebuild = {
  (): Promise<{ buildId: string } | { error: string }>
  /** Settles when what the runs so far write after seeding (dist/, and the note for the next start, ./resume.ts) is written. */
  noted(): Promise<void>
}

/** Builds and seeds; the build id, or the message to show. The first run notes its times in `times`. */
function rebuilder(options: PreviewOptions, kv: () => Promise<{ kv: KvTarget }>, log: (line: string) => void, times: Partial<StartTimes>): Rebuild {
  // Unchanged posts, their records and the search index carry over from one rebuild to the next.
  const session = new BuildSession()
  const { contentDir, outDir, publicDir, cacheDir } = options
  let runs = 0
  let remembering: Promise<void> = Promise.resolve()
  const run = async () => {
    const first = runs++ === 0
    const started = performance.now()
    let result: BuildResult
    let writeDist: () => Promise<void>
    try {
      result = await build({ contentDir, outDir, publicDir, cacheDir, session })
      writeDist = await writePublic(result, options)
    } catch (error) {
      return failed(error, options, log)
    }
    const built = performance.now()
    // A binding that failed to start ends the start (startAll, or the resumed start's first build).
    const { kv: target } = await kv()
    try {
      const { written } = await seedLocal({ kv: target, build: result, stateDir: options.stateDir })
      const seeded = performance.now()
      // Off the save's path, one at a time: dist/ (the preview serves from local KV, seeded from memory;
      // dist/ is for `npm run seed` and deploys), then the note for the next start (it stats every
      // content and public/ file). Noted after the build, so a save during it may be counted in: the
      // next start's own build then reloads the pages.
      remembering = remembering
        .then(writeDist)
        .then(
          () => rememberBuild(options, result.summary.buildId),
          (error: Error) => log(`[kumo] writing ${outDir} failed: ${error.message.split('\n')[0]}`),
        )
        .catch(() => undefined)
      if (first) Object.assign(times, { built, seeded })
      const { summary } = result
      log(`[kumo] build ${summary.buildId}: ${summary.posts} posts, ${written} keys seeded, ${Math.round(seeded - started)} ms (build ${Math.round(built - started)}, seeding ${Math.round(seeded - built)})`)
      options.onSeeded?.({ buildId: summary.buildId, written })
      return { buildId: summary.buildId }
    } catch (error) {
      return failed(error, options, log)
    }
  }
  return Object.assign(run, { noted: () => remembering })
}

function failed(error: unknown, options: PreviewOptions, log: (line: string) => void): { error: string } {
  const message = messageOf(error)
  // The stack only when asked for: the message names the file and what to do.
  if (options.debug) for (const stack of debugStacks(error)) console.error(stack)
  log(`[kumo] build failed, the open pages show why:\n${message}`)
  return { error: message }
}

/**
 * wrangler dev refuses a missing assets folder, so one is made; it holds one
 * file because the first build swaps in a folder of its own while wrangler
 * starts, and wrangler's watcher, on the folder it was given, only sees the
 * swap as that old folder's files going (an empty one's swap goes unseen, and
 * wrangler would serve no assets).
 */
async function assetsFolder(dir: string): Promise<void> {
  if ((await readdir(dir).catch(() => [])).length > 0) return
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, '.kumo-preview-starting'), 'npm start made this folder; the first build replaces it\n')
}

interface DevProbe {
  /** Polling starts once this settles (the first build and its seeding: before it, every page would be an error the worker logs). */
  after: Promise<unknown>
  accept: (status: number) => boolean
  /** A reason to give up waiting, if one came up. */
  cancelled: () => string | null
}

/**
 * `wrangler dev` on a free internal port, once it answers as `probe.accept`
 * says (polled every 50 ms): the writer's port opens only then, so no page of
 * the preview is ever a 502. On failure it is stopped.
 */
async function startDev(options: PreviewOptions, probe: DevProbe): Promise<{ dev: ChildProcess; upstream: string }> {
  const internal = await freePort()
  await assetsFolder(options.publicDir)
  // The pointer re-read on every request: a save's build is served as soon as it is seeded.
  const dev = spawnWranglerDev(internal, options.stateDir, options.publicDir, { quiet: options.quiet, vars: { POINTER_TTL_MS: '0' } })
  const upstream = `http://127.0.0.1:${internal}`
  let exit: string | null = null
  dev.once('exit', (code, signal) => (exit = `code ${code}, signal ${signal}`))
  try {
    await probe.after.catch(() => undefined)
    await waitForReady(`${upstream}/`, 60_000, () => exit ?? probe.cancelled(), { accept: probe.accept, intervalMs: 50 })
  } catch (error) {
    signalGroup(dev, 'SIGKILL')
    throw error
  }
  return { dev, upstream }
}

/** Watches `dir` and runs `rebuild` after each burst of changes, one run at a time and after `initial`; `close` waits for the run under way. */
async function rebuildOnChange(dir: string, rebuild: () => Promise<void>, initial: Promise<void>): Promise<{ close(): Promise<void> }> {
  // Debounced: an editor's save is often several file events (write temp, rename, chmod), all
  // within a few ms; 30 ms covers them, and an event after a build has started runs one more.
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = initial.catch(() => undefined)
  const watcher = await watchTree(dir, () => {
    clearTimeout(timer)
    timer = setTimeout(() => {
      // A failed run has said why (the build's errors go to the pages); the next save runs again.
      running = running.then(rebuild).catch(() => undefined)
    }, 30)
  })
  return {
    async close() {
      watcher.close()
      clearTimeout(timer)
      await running.catch(() => undefined)
    },
  }
}
