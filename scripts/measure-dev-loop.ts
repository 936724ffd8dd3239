/**
 * Measures the writer's loop: with `npm start` running, how long from saving a
 * post to a refresh showing the edit. Runs `npm start` on a temporary copy of
 * content/ (no real post is touched), appends a marker to a post there, polls
 * the page every 50 ms and prints each latency.
 *
 *   npx tsx scripts/measure-dev-loop.ts [rounds]
 */

import { spawn } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, paths, signalGroup } from './project.ts'

const rounds = Number(process.argv[2] ?? 5)
const copy = await mkdtemp(join(tmpdir(), 'kumo-dev-loop-'))
await cp(paths.contentDir, copy, { recursive: true })
const POST = join(copy, 'posts', '2024-12-20-hello-kumo.md')

const port = await freePort()
const child = spawn(process.execPath, ['--import', 'tsx', join(paths.root, 'scripts', 'start.ts'), '--content', copy], {
  cwd: paths.root,
  env: { ...process.env, PORT: String(port) },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
})
let log = ''
child.stdout.on('data', (d) => (log += d))
child.stderr.on('data', (d) => (log += d))
const original = await readFile(POST, 'utf8')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const page = async () => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/2024/12/hello-kumo/`)
    return res.ok ? await res.text() : ''
  } catch {
    return ''
  }
}

try {
  const ready = Date.now()
  while (!(await page())) {
    if (Date.now() - ready > 60_000) throw new Error(`npm start did not serve within 60 s:\n${log}`)
    await sleep(100)
  }
  const results: number[] = []
  for (let i = 0; i < rounds; i++) {
    const marker = `dev-loop-marker-${Date.now()}`
    const t0 = performance.now()
    await writeFile(POST, `${original}\n${marker}\n`)
    while (!(await page()).includes(marker)) {
      if (performance.now() - t0 > 30_000) throw new Error(`edit not visible after 30 s:\n${log}`)
      await sleep(50)
    }
    results.push(Math.round(performance.now() - t0))
    await sleep(1500)
  }
  const sorted = [...results].sort((a, b) => a - b)
  console.log(`edit → visible on refresh, ms: ${results.join(', ')} (median ${sorted[Math.floor(sorted.length / 2)]})`)
} finally {
  signalGroup(child, 'SIGTERM')
  await rm(copy, { recursive: true, force: true })
}
