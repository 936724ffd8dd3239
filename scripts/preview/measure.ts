/**
 * The writer's loop, measured: with `npm start` running, how long from saving a
 * post to a refresh showing the edit. Runs `npm start` (`node scripts/run.mjs
 * start`, as npm does) on a temporary copy of a content folder, content/ by
 * default (no real post is touched), with its dist/, public/, cache and local KV
 * in a temporary work folder, appends a marker to a post there and polls the
 * page every 50 ms. scripts/measure-dev-loop.ts is the command; the benchmark
 * (scripts/bench/preview.ts) runs it on a generated blog.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, paths, stopGroup } from '../project.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The page's HTML, or '' while it does not answer 200. */
export async function page(port: number, path: string): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`)
    return res.ok ? await res.text() : ''
  } catch {
    return ''
  }
}

/** `npm start` on `content` at `port`, writing under `work`, in its own process group; `log()` is what it printed so far. */
export function startOn(content: string, port: number, work: string): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, [join(paths.root, 'scripts', 'run.mjs'), 'start', '--content', content, '--work', work], {
    cwd: paths.root,
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let log = ''
  child.stdout!.on('data', (d) => (log += d))
  child.stderr!.on('data', (d) => (log += d))
  return { child, log: () => log }
}

/** Polls `path` every 50 ms until it answers 200 (its HTML), for at most `ms`. */
export async function firstPage(port: number, path: string, ms: number, log: () => string): Promise<string> {
  const t0 = performance.now()
  for (;;) {
    const html = await page(port, path)
    if (html) return html
    if (performance.now() - t0 > ms) throw new Error(`npm start did not serve ${path} within ${ms / 1000} s:\n${log()}`)
    await sleep(50)
  }
}

export interface DevLoopOptions {
  /** The content folder to copy; content/ by default. */
  content?: string
  /** The post to edit, relative to the content folder, and its page's path. */
  post?: string
  path?: string
  /** How long the first build may take before the page answers. */
  readyMs?: number
  /** Between a refresh and the next save, so each save is a burst of its own. */
  pauseMs?: number
}

/** Milliseconds from each of `rounds` saves to a refresh that shows it. */
export async function measureDevLoop(rounds: number, options: DevLoopOptions = {}): Promise<number[]> {
  const { content = paths.contentDir, post = 'posts/2024-12-20-hello-kumo.md', path = '/2024/12/hello-kumo/' } = options
  const copy = await mkdtemp(join(tmpdir(), 'kumo-dev-loop-'))
  const work = await mkdtemp(join(tmpdir(), 'kumo-dev-loop-work-'))
  await cp(content, copy, { recursive: true })
  const file = join(copy, post)
  const port = await freePort()
  const { child, log } = startOn(copy, port, work)
  const original = await readFile(file, 'utf8')
  try {
    await firstPage(port, path, options.readyMs ?? 60_000, log)
    const results: number[] = []
    for (let i = 0; i < rounds; i++) {
      const marker = `dev-loop-marker-${Date.now()}`
      const t0 = performance.now()
      await writeFile(file, `${original}\n${marker}\n`)
      while (!(await page(port, path)).includes(marker)) {
        if (performance.now() - t0 > 30_000) throw new Error(`edit not visible after 30 s:\n${log()}`)
        await sleep(50)
      }
      results.push(Math.round(performance.now() - t0))
      await sleep(options.pauseMs ?? 1500)
    }
    return results
  } finally {
    // npm start stops its own wrangler dev on SIGTERM.
    await stopGroup(child)
    for (const dir of [copy, work]) await rm(dir, { recursive: true, force: true })
  }
}
