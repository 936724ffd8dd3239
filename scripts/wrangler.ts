/**
 * Runs the project's own wrangler with telemetry and network look-ups off, so
 * local commands work offline and quietly.
 */

import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { paths } from './project.ts'

const require = createRequire(import.meta.url)
export const WRANGLER = require.resolve('wrangler/bin/wrangler.js')

export const wranglerEnv = {
  ...process.env,
  WRANGLER_SEND_METRICS: 'false',
  CLOUDFLARE_CF_FETCH_ENABLED: 'false',
}

export function spawnWrangler(args: string[], options: { quiet?: boolean; detached?: boolean } = {}): ChildProcess {
  return spawn(process.execPath, [WRANGLER, ...args], {
    cwd: paths.root,
    env: wranglerEnv,
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    detached: options.detached ?? false,
  })
}

/** Runs wrangler to completion; rejects with its output when it fails. */
export function wrangler(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawnWrangler(args, { quiet: true })
    let output = ''
    child.stdout?.on('data', (d) => (output += d))
    child.stderr?.on('data', (d) => (output += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`wrangler ${args.slice(0, 3).join(' ')} failed (${code}):\n${output}`))))
  })
}
