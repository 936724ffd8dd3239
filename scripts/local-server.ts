/**
 * A local Kumo server for benchmarks and browser tests: seeds a build into a
 * private, temporary local KV (`wrangler kv bulk put --local --persist-to`)
 * and runs `wrangler dev` against it on a free loopback port, offline.
 */

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CURRENT_KEY } from '../src/shared/keys.ts'
import { kvEntries, type BuildResult } from './build/index.ts'
import { spawnWrangler, wrangler } from './wrangler.ts'

export interface LocalServer {
  url: string
  /** The wrangler dev process id, for memory readings. */
  pid: number | undefined
  stop(): Promise<void>
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`local server at ${url} did not become ready in ${timeoutMs} ms`)
}

/** Seeds `result` and serves it, with static assets from `publicDir`. */
export async function startLocalServer(result: BuildResult, publicDir: string): Promise<LocalServer> {
  const persist = await mkdtemp(join(tmpdir(), 'kumo-kv-'))
  const seed = join(persist, 'seed.json')
  await writeFile(seed, JSON.stringify([...kvEntries(result), { key: CURRENT_KEY, value: result.manifest.buildId }]))
  await wrangler(['kv', 'bulk', 'put', seed, '--binding', 'CONTENT', '--local', '--persist-to', persist])
  const port = await freePort()
  const child = spawnWrangler(
    ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist, '--assets', publicDir, '--show-interactive-dev-session=false', '--log-level', 'error'],
    { quiet: true, detached: true },
  )
  let output = ''
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r))
      // The whole process group: wrangler's node and the workerd it started.
      try {
        process.kill(-child.pid, 'SIGTERM')
      } catch {
        child.kill('SIGTERM')
      }
      await exited
    }
    await rm(persist, { recursive: true, force: true })
  }
  try {
    await waitForReady(`${url}/`, 60_000)
  } catch (error) {
    await stop()
    throw new Error(`${(error as Error).message}\n${output}`)
  }
  return { url, pid: child.pid, stop }
}
