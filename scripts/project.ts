/**
 * The project as the local scripts see it, in one place: where its folders
 * are (relative to this file, so scripts work from any working directory and
 * no machine path is ever written down), how to run its own wrangler offline,
 * how to stop a process group, and how to find a free loopback port.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

export const paths = {
  root,
  contentDir: join(root, 'content'),
  outDir: join(root, 'dist'),
  publicDir: join(root, 'public'),
}

/** Where `wrangler dev` and `wrangler kv --local` keep local state by default. */
export const LOCAL_STATE = join(root, '.wrangler', 'state')
/** The render cache of `npm run build` and `npm start` (scripts/pipeline/cache.ts). */
export const RENDER_CACHE = join(root, '.kumo', 'cache')
/** What the last deploys sent, so the next one sends only the difference (scripts/deploy/cache.ts). */
export const DEPLOY_CACHE = join(root, '.kumo', 'deploy')

/**
 * The folders `npm run build` and `npm start` write: the project's, or all
 * under one folder (`--work DIR`), so the benchmark and the dev-loop
 * measurement leave the project's dist/, public/, cache and local KV alone.
 */
export function workPaths(dir?: string): { outDir: string; publicDir: string; cacheDir: string; stateDir: string } {
  if (!dir) return { outDir: paths.outDir, publicDir: paths.publicDir, cacheDir: RENDER_CACHE, stateDir: LOCAL_STATE }
  const work = resolve(dir)
  return { outDir: join(work, 'dist'), publicDir: join(work, 'public'), cacheDir: join(work, 'cache'), stateDir: join(work, 'state') }
}

const require = createRequire(import.meta.url)
export const WRANGLER = require.resolve('wrangler/bin/wrangler.js')

/** Telemetry and network look-ups off, so local commands work offline and quietly. */
export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
}

export function spawnWrangler(args: string[], options: { quiet?: boolean; detached?: boolean; cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [WRANGLER, ...args], {
    cwd: options.cwd ?? root,
    env: wranglerEnv,
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    detached: options.detached ?? false,
  })
}

/**
 * `wrangler dev` on 127.0.0.1:`port`, offline, against the local KV in
 * `persistTo` and static assets from `publicDir`; in its own process group,
 * so stopping it (stopGroup) stops the workerd it starts too.
 */
export function spawnWranglerDev(port: number, persistTo: string, publicDir: string, options: { quiet?: boolean; vars?: Record<string, string> } = {}): ChildProcess {
  const args = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persistTo, '--assets', publicDir, '--show-interactive-dev-session=false', '--log-level', 'warn']
  for (const [name, value] of Object.entries(options.vars ?? {})) args.push('--var', `${name}:${value}`)
  const dev = spawnWrangler(args, { quiet: options.quiet, detached: true })
  stopWithThisProcess(dev)
  return dev
}

/**
 * However this process ends (an early Ctrl-C, an uncaught error, Miniflare's
 * own signal handlers exiting before a stop() has run), the detached child's
 * whole group goes with it: `process.kill` is synchronous, so it works in 'exit'.
 */
export function stopWithThisProcess(child: ChildProcess): void {
  const orphanGuard = () => running(child) && signalGroup(child, 'SIGTERM')
  process.once('exit', orphanGuard)
  child.once('exit', () => process.off('exit', orphanGuard))
}

export class WranglerError extends Error {}

/**
 * Runs wrangler to completion, keeping stdout (the data: a value, a key list,
 * a version id) apart from stderr (the chatter); a failure is a WranglerError
 * carrying its output.
 */
export function runWrangler(args: string[], options: { cwd?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnWrangler(args, { quiet: true, cwd: options.cwd })
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (d) => (stdout += d))
    child.stderr?.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(new WranglerError(`\`wrangler ${args.slice(0, 3).join(' ')}\` failed (exit ${code}):\n${(stderr || stdout).trim()}`)),
    )
  })
}

/**
 * Signals a child started with `detached: true` and its whole process group
 * (wrangler's node and the workerd it started); the child alone when it has no group.
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal)
  } catch {
    child.kill(signal)
  }
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null

/** Stops a detached child and its group: SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
export async function stopGroup(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (!running(child) || !child.pid) return
  const gone = new Promise((r) => child.once('exit', r))
  signalGroup(child, 'SIGTERM')
  await Promise.race([gone, new Promise((r) => setTimeout(r, graceMs))])
  if (running(child)) signalGroup(child, 'SIGKILL')
}

/** A port on 127.0.0.1 that was free a moment ago. */
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
