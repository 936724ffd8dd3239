/**
 * A throw-away local Kumo for benchmarks and browser tests: seeds a build into
 * a private, temporary local KV (`wrangler kv bulk put --local --persist-to`)
 * and runs `wrangler dev` against it on a free loopback port, offline. Nothing
 * of the developer's own dist/, public/ or local KV is touched.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CURRENT_KEY } from '../src/shared/keys.ts'
import { kvEntries, type BuildResult } from './pipeline/index.ts'
import { wranglerKv } from './deploy/kv-target.ts'
import { freePort, spawnWranglerDev, stopGroup } from './project.ts'

export interface LocalServer {
  url: string
  /** The wrangler dev process id (its group holds workerd), for memory readings. */
  pid: number | undefined
  stop(): Promise<void>
}

export interface ReadyProbe {
  /** Whether this answer means ready (default: any status below 500). */
  accept?: (status: number) => boolean
  /** Between polls (default 250 ms). */
  intervalMs?: number
}

/** Polls `url` until the worker answers as `probe` accepts, or `exited` names why it never will. */
export async function waitForReady(url: string, timeoutMs: number, exited: () => string | null, probe: ReadyProbe = {}): Promise<void> {
  const { accept = (status: number) => status < 500, intervalMs = 250 } = probe
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const reason = exited()
    if (reason) throw new Error(`wrangler dev exited before it was ready: ${reason}`)
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (accept(res.status)) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, intervalMs))
  }
}

/** Seeds `result` and serves it, with static assets from `publicDir`, on `port` (default: a free one). */
export async function startLocalServer(result: BuildResult, publicDir: string, options: { port?: number } = {}): Promise<LocalServer> {
  const persist = await mkdtemp(join(tmpdir(), 'kumo-kv-'))
  await wranglerKv({ persistTo: persist }).putMany([...kvEntries(result), { key: CURRENT_KEY, value: result.manifest.buildId }])
  const port = options.port ?? (await freePort())
  const child = spawnWranglerDev(port, persist, publicDir, { quiet: true })
  let output = ''
  let exit: string | null = null
  child.stdout?.on('data', (d) => (output += d))
  child.stderr?.on('data', (d) => (output += d))
  child.on('exit', (code, signal) => (exit = `code ${code}, signal ${signal}\n${output}`))
  const stop = async () => {
    await stopGroup(child)
    await rm(persist, { recursive: true, force: true })
  }
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForReady(`${url}/`, 60_000, () => exit)
  } catch (error) {
    await stop()
    throw error
  }
  return { url, pid: child.pid, stop }
}
