/**
 * A throwaway local Kumo for the browser tests: builds content/ into a temp
 * folder, seeds it into a temp wrangler state folder (`--persist-to`), runs
 * `wrangler dev` on a free 127.0.0.1 port and waits until it answers. Nothing
 * of the developer's own dist/, public/ or local KV is touched.
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildToDisk } from '../../scripts/build/index.ts'
import { paths } from '../../scripts/project.ts'
import { seedLocal } from '../../scripts/seed-local.ts'
import { spawnWrangler } from '../../scripts/wrangler.ts'

export interface Server {
  origin: string
  stop(): Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

async function waitFor(url: string, timeoutMs: number, exited: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const reason = exited()
    if (reason) throw new Error(`wrangler dev exited before it was ready:\n${reason}`)
    try {
      const res = await fetch(url)
      if (res.status === 200) return
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

export async function startServer(contentDir = paths.contentDir): Promise<Server> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-e2e-'))
  const outDir = join(tmp, 'dist')
  const publicDir = join(tmp, 'public')
  const persistTo = join(tmp, 'state')
  await buildToDisk({ contentDir, outDir, publicDir })
  await seedLocal({ outDir, persistTo, workDir: tmp })
  const port = await freePort()
  const dev = spawnWrangler(
    ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persistTo, '--assets', publicDir, '--show-interactive-dev-session=false', '--log-level', 'warn'],
    { quiet: true },
  )
  let log = ''
  let exit: string | null = null
  dev.stdout?.on('data', (d) => (log += d))
  dev.stderr?.on('data', (d) => (log += d))
  dev.on('exit', (code, signal) => (exit = `code ${code} signal ${signal}\n${log}`))
  const origin = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (exit === null) {
      const gone = new Promise((r) => dev.once('exit', r))
      dev.kill('SIGTERM')
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))])
      if (exit === null) dev.kill('SIGKILL')
    }
    await rm(tmp, { recursive: true, force: true })
  }
  try {
    await waitFor(`${origin}/`, 60_000, () => exit)
  } catch (error) {
    await stop()
    throw error
  }
  return { origin, stop }
}
