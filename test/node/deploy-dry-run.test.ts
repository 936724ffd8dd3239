// `npm run deploy -- --dry-run` plans offline: no account, and every proxy
// pointed at a closed port so any network attempt would fail the run.
import { spawnSync } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = fileURLToPath(new URL('../..', import.meta.url))

function dryRun(args: string[]) {
  const offline = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' }
  const env = { ...process.env, ...offline, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }
  delete env.CLOUDFLARE_API_TOKEN
  delete env.CLOUDFLARE_ACCOUNT_ID
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'deploy', 'index.ts'), 'deploy', '--dry-run', ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 })
}

describe('deploy --dry-run', { timeout: 150_000 }, () => {
  it('prints the keys to write, the KV writes and the bundle size, with no account and no network', async () => {
    const run = dryRun(['--persist-to', await mkdtemp(join(tmpdir(), 'kumo-dry-'))])
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.status).toBe(0)
    const out = run.stdout
    expect(out).toContain('nothing is written')
    const records = Number(/would write: (\d+) records, 1 manifest, 1 state record/.exec(out)?.[1])
    expect(records).toBeGreaterThan(10)
    // Every record is listed, then the manifest.
    expect(out.match(/^ {4}\+ v1:blob:[0-9a-f]{32}$/gm)).toHaveLength(records)
    expect(out).toMatch(/^ {4}\+ v1:build:[0-9a-f]{16}$/m)
    expect(out).toContain(`KV writes it would use: ${records + 2}`)
    const kib = Number(/worker bundle: ([\d.]+) KiB/.exec(out)?.[1])
    expect(kib).toBeGreaterThan(10)
  })

  it('plans a Cloudflare deploy from the cached deploy record alone, still offline', () => {
    const run = dryRun([])
    expect(run.status).toBe(0)
    // No deploy from this checkout: a first deploy; after one: against its cached record.
    expect(run.stdout).toMatch(/planned against (nothing|the record cached by the last deploy)/)
    expect(run.stdout).toMatch(/KV writes it would use: \d+/)
    expect(run.stdout).toMatch(/worker bundle: [\d.]+ KiB/)
  })
})
