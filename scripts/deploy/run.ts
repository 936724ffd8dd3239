/**
 * Runs the project's wrangler for the deploy scripts, keeping stdout (the
 * data: a value, a key list, a version id) apart from stderr (the chatter).
 */

import { spawn } from 'node:child_process'
import { paths } from '../project.ts'
import { WRANGLER, wranglerEnv } from '../wrangler.ts'

export class WranglerError extends Error {}

export function runWrangler(args: string[], options: { cwd?: string } = {}): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRANGLER, ...args], {
      cwd: options.cwd ?? paths.root,
      env: wranglerEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) =>
      code === 0
        ? resolve({ stdout, stderr })
        : reject(new WranglerError(`\`wrangler ${args.slice(0, 3).join(' ')}\` failed (exit ${code}):\n${(stderr || stdout).trim()}`)),
    )
  })
}
