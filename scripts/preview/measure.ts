/**
 * The writer's loop, measured: with `npm start` running, how long from saving a
 * post to a refresh showing the edit. Runs `npm start` on a temporary copy of
 * content/ (no real post is touched), appends a marker to a post there and polls
 * the page every 50 ms. scripts/measure-dev-loop.ts is the command.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, paths, signalGroup } from '../project.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The page's HTML, or '' while it does not answer 200. */
async function page(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/2024/12/hello-kumo/`)
    return res.ok ? await res.text() : ''
  } catch {
    return ''
  }
}

/** `npm start` on `content` at `port`, in its own process group; `log()` is what it printed so far. */
function startOn(content: string, port: number): { child: ChildProcess; log: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(paths.root, 'scripts', 'start.ts'), '--content', content], {
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

/** Milliseconds from each of `rounds` saves to a refresh that shows it. */
export async function measureDevLoop(rounds: number): Promise<number[]> {
  const copy = await mkdtemp(join(tmpdir(), 'kumo-dev-loop-'))
  await cp(paths.contentDir, copy, { recursive: true })
  const post = join(copy, 'posts', '2024-12-20-hello-kumo.md')
  const port = await freePort()
  const { child, log } = startOn(copy, port)
  const original = await readFile(post, 'utf8')
  try {
    const ready = Date.now()
    while (!(await page(port))) {
      if (Date.now() - ready > 60_000) throw new Error(`npm start did not serve within 60 s:\n${log()}`)
      await sleep(100)
    }
    const results: number[] = []
    for (let i = 0; i < rounds; i++) {
      const marker = `dev-loop-marker-${Date.now()}`
      const t0 = performance.now()
      await writeFile(post, `${original}\n${marker}\n`)
      while (!(await page(port)).includes(marker)) {
        if (performance.now() - t0 > 30_000) throw new Error(`edit not visible after 30 s:\n${log()}`)
        await sleep(50)
      }
      results.push(Math.round(performance.now() - t0))
      await sleep(1500)
    }
    return results
  } finally {
    // npm start stops its own wrangler dev on SIGTERM.
    signalGroup(child, 'SIGTERM')
    await rm(copy, { recursive: true, force: true })
  }
}
