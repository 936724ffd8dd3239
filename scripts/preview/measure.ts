/**
 * The writer's loop and `npm start`'s start, measured, on a temporary copy of
 * a content folder (no real post is touched) with outputs and local KV of its
 * own (`npm start -- --work`), so nothing of the project's dist/, public/ or
 * .wrangler/ is used either:
 *
 * - measureDevLoop: with `npm start` running, append a marker to a post and
 *   fetch its page on each build event the preview sends (what the page's
 *   reload script acts on, ./client.ts), and every 250 ms besides, until a
 *   fetch shows it: save → refreshed page (polling every 50 ms instead, as
 *   this did before, added 25 ms on average for no reader's sake);
 *   measureDevLoopInBrowser: the same with the page open in Chromium, which
 *   reloads itself;
 * - measureStart: from spawning `node scripts/run.mjs start` to the first 200
 *   of the home page through the writer's port, cold (no render cache, no
 *   local KV, no dist/ or public/) and warm (a second start on what the first
 *   left); each run's own "[kumo] ready after …" line says where the time went.
 *
 * scripts/measure-dev-loop.ts is the command.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { get } from 'node:http'
import { cp, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, paths, signalGroup } from '../project.ts'
import { EVENTS } from './client.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A content folder, one post in it (path under the folder) and that post's URL path. */
export interface LoopTarget {
  content: string
  post: string
  path: string
}

/** The sample blog's seed post. */
export const SAMPLE: LoopTarget = { content: paths.contentDir, post: join('posts', '2024-12-20-hello-kumo.md'), path: '/2024/12/hello-kumo/' }

/** The page's HTML, or '' while it does not answer 200. */
async function page(port: number, path: string): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`)
    return res.ok ? await res.text() : ''
  } catch {
    return ''
  }
}

/** `npm start` (the bundled command, as `npm start` runs it) on `content` at `port`, in its own process group; `log()` is what it printed so far. */
function startOn(content: string, work: string, port: number): { child: ChildProcess; log: () => string; exited: Promise<void> } {
  const child = spawn(process.execPath, [join(paths.root, 'scripts', 'run.mjs'), 'start', '--content', content, '--work', work], {
    cwd: paths.root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let log = ''
  child.stdout!.on('data', (d) => (log += d))
  child.stderr!.on('data', (d) => (log += d))
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return { child, log: () => log, exited }
}

/** Polls `path` until it answers 200 (and, if given, shows `marker`); ms waited. */
async function until(port: number, path: string, marker: string | undefined, limitMs: number, log: () => string): Promise<number> {
  const t0 = performance.now()
  for (;;) {
    const html = await page(port, path)
    if (html && (marker === undefined || html.includes(marker))) return Math.round(performance.now() - t0)
    if (performance.now() - t0 > limitMs) throw new Error(`${path} ${marker ? `did not show ${marker}` : 'did not answer 200'} within ${limitMs} ms:\n${log()}`)
    await sleep(50)
  }
}

/** A copy of the target's content and an empty work folder, removed after `run`. */
async function onCopy<T>(target: LoopTarget, run: (content: string, work: string) => Promise<T>): Promise<T> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-measure-'))
  try {
    await cp(target.content, join(tmp, 'content'), { recursive: true })
    return await run(join(tmp, 'content'), join(tmp, 'work'))
  } finally {
    await rm(tmp, { recursive: true, force: true })
  }
}

/** How one loop sees a save: how it saves, and how it waits for the page to show the marker. */
interface Watcher {
  save(post: string, text: string): Promise<void>
  shown(port: number, marker: string, log: () => string): Promise<void>
  /** The pause after each save, so the whole build behind it lands before the next. */
  settle: number
  close(): Promise<void>
}

/** `rounds` saves of the target's post with `npm start` running, each timed until `watcher` sees it. */
async function timedSaves(rounds: number, target: LoopTarget, open: (port: number) => Promise<Watcher>): Promise<number[]> {
  return onCopy(target, async (content, work) => {
    const post = join(content, target.post)
    const original = await readFile(post, 'utf8')
    const port = await freePort()
    const { child, log, exited } = startOn(content, work, port)
    let watcher: Watcher | undefined
    try {
      await until(port, target.path, undefined, 300_000, log)
      watcher = await open(port)
      // The session's own first build (after a resumed start's page) settles before the first save.
      await sleep(1500)
      const results: number[] = []
      for (let i = 0; i < rounds; i++) {
        const marker = `dev-loop-marker-${Date.now()}`
        const t0 = performance.now()
        await watcher.save(post, `${original}\n${marker}\n`)
        await watcher.shown(port, marker, log)
        results.push(Math.round(performance.now() - t0))
        await sleep(watcher.settle)
      }
      return results
    } finally {
      await watcher?.close()
      // npm start stops its own runtime on SIGTERM.
      signalGroup(child, 'SIGTERM')
      await exited
    }
  })
}

/** Milliseconds from each of `rounds` saves to a refresh that shows it. */
export async function measureDevLoop(rounds: number, target: LoopTarget = SAMPLE): Promise<number[]> {
  return timedSaves(rounds, target, async (port) => {
    const events = await buildEvents(port)
    return {
      save: (post, text) => writeFile(post, text),
      shown: async (port, marker, log) => {
        const t0 = performance.now()
        for (let seen = events.count(); ; seen = events.count()) {
          if ((await page(port, target.path)).includes(marker)) return
          if (performance.now() - t0 > 30_000) throw new Error(`${target.path} did not show ${marker} within 30 s:\n${log()}`)
          await events.after(seen, 250)
        }
      },
      settle: 1000,
      close: async () => events.close(),
    }
  })
}

/**
 * The preview's event stream (./proxy.ts), as an open page's reload script
 * hears it: how many build events have come, and a wait for the next one
 * after `seen` (or `ms`, whichever comes first).
 */
function buildEvents(port: number): Promise<{ count(): number; after(seen: number, ms: number): Promise<void>; close(): void }> {
  return new Promise((resolve, reject) => {
    let count = 0
    let text = ''
    const wake: Array<() => void> = []
    const req = get({ host: '127.0.0.1', port, path: EVENTS }, (res) => {
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        // Events end with a blank line (HTML Living Standard §9.2); only whole ones count.
        const events = (text += chunk).split('\n\n')
        text = events.pop()!
        count += events.filter((e) => /^event: build$/m.test(e)).length
        for (const w of wake.splice(0)) w()
      })
      resolve({
        count: () => count,
        after: (seen, ms) =>
          new Promise<void>((done) => {
            if (count > seen) return done()
            const timer = setTimeout(done, ms)
            wake.push(() => (clearTimeout(timer), done()))
          }),
        close: () => req.destroy(),
      })
    })
    req.on('error', reject)
  })
}

/**
 * The same loop as a writer sees it: the post open in Chromium (Debian's, or
 * `CHROMIUM`), saved by rename as editors do, until the page the preview
 * reloaded shows the edit; ms per save. Needs playwright-core and Chromium,
 * as the browser tests do.
 */
export async function measureDevLoopInBrowser(rounds: number, target: LoopTarget = SAMPLE): Promise<number[]> {
  const { chromium } = await import('playwright-core')
  return timedSaves(rounds, target, async (port) => {
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] })
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${port}${target.path}`, { waitUntil: 'load' })
    return {
      async save(post, text) {
        await writeFile(`${post}.tmp`, text)
        await rename(`${post}.tmp`, post)
      },
      async shown(_port, marker, log) {
        const t0 = performance.now()
        while (!(await page.evaluate((m) => document.body.innerText.includes(m), marker).catch(() => false))) {
          if (performance.now() - t0 > 30_000) throw new Error(`the open page did not show ${marker} within 30 s:\n${log()}`)
          await sleep(10)
        }
      },
      settle: 1500,
      close: () => browser.close(),
    }
  })
}

export interface StartRun {
  /** Command → first 200 of the home page, ms. */
  ms: number
  /** The run's own "[kumo] ready after …" line. */
  ready: string
}

/** One start on `content` with outputs in `work`: the time to the first page, then stopped. */
async function oneStart(content: string, work: string): Promise<StartRun> {
  const port = await freePort()
  const t0 = performance.now()
  const { child, log, exited } = startOn(content, work, port)
  try {
    await until(port, '/', undefined, 180_000, log)
    const ms = Math.round(performance.now() - t0)
    return { ms, ready: /\[kumo\] ready after[^\n]*/.exec(log())?.[0] ?? '' }
  } finally {
    // The background build of a resumed start, and the render cache it saves, finish before the next run.
    await sleep(300)
    signalGroup(child, 'SIGTERM')
    await exited
  }
}

/** `runs` cold starts, each on fresh outputs and local KV, each followed by a warm start on what it left. */
export async function measureStart(runs: number, target: Pick<LoopTarget, 'content'> = SAMPLE): Promise<{ cold: StartRun[]; warm: StartRun[] }> {
  return onCopy({ ...SAMPLE, ...target }, async (content, work) => {
    const cold: StartRun[] = []
    const warm: StartRun[] = []
    for (let i = 0; i < runs; i++) {
      await rm(work, { recursive: true, force: true })
      cold.push(await oneStart(content, work))
      warm.push(await oneStart(content, work))
    }
    return { cold, warm }
  })
}
