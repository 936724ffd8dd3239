/**
 * `npm run bench:load`: load test on loopback. Builds content/, seeds a
 * throw-away local KV (`--persist-to` a temporary folder), starts `wrangler dev`
 * on a free 127.0.0.1 port, then sends 20,000 requests over 50 connections with
 * autocannon: pages, feeds, conditional requests, 404s and hostile URLs, in a
 * fixed rotation. Reports errors, timeouts, 5xx, status counts, p50/p99
 * latency and the server's memory (RSS of wrangler + workerd) before and after.
 * Exits non-zero on any error or 5xx. Not part of `npm test`.
 *
 *   npm run bench:load [-- --requests 20000 --connections 50]
 */

import { execFileSync, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { buildToDisk } from './build/index.ts'
import { paths } from './project.ts'
import { wrangler, wranglerEnv } from './wrangler.ts'
import { createRequire } from 'node:module'
import { CURRENT_KEY } from '../src/shared/keys.ts'

const { values: args } = parseArgs({
  options: { requests: { type: 'string', default: '20000' }, connections: { type: 'string', default: '50' } },
})
const AMOUNT = Number(args.requests)
const CONNECTIONS = Number(args.connections)

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** The process and all its descendants (wrangler's node and its workerd), from /proc. */
function tree(pid: number): number[] {
  const out = [pid]
  try {
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    for (const c of children.split('\n').map((s) => Number(s.trim())).filter(Boolean)) out.push(...tree(c))
  } catch {
    // no children
  }
  return out
}

/** RSS in MiB of the server's processes, by name (node = wrangler's proxy, workerd = the runtime). */
async function rssMiB(pid: number): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const p of tree(pid)) {
    const status = await readFile(`/proc/${p}/status`, 'utf8').catch(() => '')
    const name = /Name:\s+(\S+)/.exec(status)?.[1] ?? String(p)
    const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    out[name] = Math.round(((out[name] ?? 0) * 1024 + kib) / 102.4) / 10
  }
  out.total = Math.round(Object.values(out).reduce((a, b) => a + b, 0) * 10) / 10
  return out
}

async function waitUp(base: string, ms: number): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    const ok = await fetch(`${base}/`).then(
      (r) => r.status < 500,
      () => false,
    )
    if (ok) return
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`wrangler dev did not answer at ${base} within ${ms} ms`)
}

const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/')

/** The request mix: every kind a public blog sees, weighted roughly as in logs. */
function mix(routes: Record<string, [string, string, number]>): Array<{ path: string; headers?: Record<string, string>; method?: string }> {
  const pages = Object.keys(routes).filter((p) => !/\.(json|xml)$/.test(p))
  const feeds = Object.keys(routes).filter((p) => /\.(json|xml)$/.test(p))
  const list: Array<{ path: string; headers?: Record<string, string>; method?: string }> = []
  for (const p of pages) list.push({ path: enc(p) }, { path: enc(p) }, { path: enc(p), headers: { 'If-None-Match': `"${routes[p]![1]}"` } })
  for (const p of feeds) list.push({ path: enc(p) }, { path: enc(p), headers: { 'If-None-Match': `"${routes[p]![1]}"` } })
  const hostile = [
    '/no/such/page/',
    '/2099/01/nothing/',
    '/wp-login.php',
    '/.env',
    '/%E4%B8',
    '/%00',
    '/%2e%2e/%2e%2e/etc/passwd',
    '//evil.example',
    '/%2F%2Fevil.example',
    `/${'a/'.repeat(1500)}`,
    `/?q=${'x'.repeat(4000)}`,
    '/About',
    '/TAGS/',
    '/feed.JSON',
  ]
  for (const p of hostile) list.push({ path: p })
  list.push({ path: '/', method: 'POST' }, { path: '/feed.json', method: 'OPTIONS' }, { path: '/', headers: { 'If-None-Match': 'W/"x",'.repeat(2000), Range: 'bytes=0-10' } })
  return list
}

async function main(): Promise<void> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-load-'))
  const persist = join(tmp, 'state')
  let dev: ReturnType<typeof spawn> | undefined
  try {
    const result = await buildToDisk({ contentDir: paths.contentDir, outDir: join(tmp, 'dist'), publicDir: paths.publicDir })
    const seed = join(tmp, 'seed.json')
    const entries = JSON.parse(await readFile(join(tmp, 'dist', 'kv.json'), 'utf8')) as Array<{ key: string; value: string }>
    await writeFile(seed, JSON.stringify([...entries, { key: CURRENT_KEY, value: result.manifest.buildId }]))
    await wrangler(['kv', 'bulk', 'put', seed, '--binding', 'CONTENT', '--local', '--persist-to', persist])

    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const require = createRequire(import.meta.url)
    dev = spawn(process.execPath, [require.resolve('wrangler/bin/wrangler.js'), 'dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persist, '--show-interactive-dev-session=false', '--log-level', 'error'], {
      cwd: paths.root,
      env: wranglerEnv,
      stdio: ['ignore', 'ignore', 'inherit'],
      detached: true,
    })
    await waitUp(base, 60_000)

    const requests = mix(result.manifest.routes)
    // Warm every URL once so "before" is a steady state, not a cold start.
    for (const r of requests) await fetch(`${base}${r.path}`, { method: r.method ?? 'GET', headers: r.headers }).then((res) => res.arrayBuffer())
    const before = await rssMiB(dev.pid!)

    let next = 0
    const run = await autocannon({
      url: base,
      connections: CONNECTIONS,
      amount: AMOUNT,
      timeout: 10,
      requests: [
        {
          setupRequest: (req) => {
            const r = requests[next++ % requests.length]!
            return { ...req, path: r.path, method: (r.method ?? 'GET') as 'GET', headers: { ...r.headers } }
          },
        },
      ],
    })
    const after = await rssMiB(dev.pid!)
    const statuses = Object.fromEntries(Object.entries(run.statusCodeStats ?? {}).map(([code, s]) => [code, Number((s as { count: number }).count)]))
    const fivexx = Object.entries(statuses).filter(([code]) => code.startsWith('5')).reduce((n, [, c]) => n + c, 0)
    const report = {
      requests: run.requests.total,
      connections: CONNECTIONS,
      mix: `${requests.length} distinct requests (pages, feeds, 304s, 404s, hostile URLs, 405/204)`,
      errors: run.errors,
      timeouts: run.timeouts,
      status5xx: fivexx,
      statuses,
      latencyMs: { p50: run.latency.p50, p99: run.latency.p99, max: run.latency.max },
      requestsPerSecond: run.requests.average,
      durationSeconds: run.duration,
      serverRssMiB: { before, after },
      build: result.manifest.buildId,
    }
    console.log(JSON.stringify(report, null, 2))
    if (run.errors > 0 || run.timeouts > 0 || fivexx > 0) process.exitCode = 1
  } finally {
    if (dev?.pid) {
      try {
        process.kill(-dev.pid, 'SIGTERM')
      } catch {
        // already gone
      }
      await new Promise((r) => setTimeout(r, 500))
    }
    await rm(tmp, { recursive: true, force: true })
  }
}

await main()
