/**
 * `npm run bench:load`: load test on loopback. Builds content/, seeds a
 * throw-away local KV (`--persist-to` a temporary folder), starts `wrangler dev`
 * on a free 127.0.0.1 port, then sends 20,000 requests over 50 connections with
 * autocannon: pages, feeds, conditional requests, 404s and hostile URLs, in a
 * fixed rotation. Reports errors, timeouts, 5xx, status counts, p50/p99
 * latency and the server's memory (RSS of wrangler + workerd) before and after.
 * Not part of `npm test`. A library: load-cli.ts is the command, which
 * exits non-zero on any error or 5xx.
 *
 *   npm run bench:load [-- --requests 20000 --connections 50]
 */

import { execFileSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { isDataPath } from '../../src/shared/paths.ts'
import { buildToDisk } from '../pipeline/index.ts'
import { startLocalServer } from '../local-server.ts'
import { paths } from '../project.ts'

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

const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/')

/** The request mix: every kind a public blog sees, weighted roughly as in logs. */
function mix(routes: Record<string, [string, string, number, ...unknown[]]>): Array<{ path: string; headers?: Record<string, string>; method?: string }> {
  const pages = Object.keys(routes).filter((p) => !isDataPath(p))
  const feeds = Object.keys(routes).filter((p) => isDataPath(p))
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

export interface LoadOptions {
  /** Requests in all. */
  requests: number
  connections: number
}

/** The load test's report; `clean` when no request errored, timed out or got a 5xx. */
export async function loadBench({ requests: amount, connections }: LoadOptions): Promise<{ report: Record<string, unknown>; clean: boolean }> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-load-'))
  const result = await buildToDisk({ contentDir: paths.contentDir, outDir: join(tmp, 'dist'), publicDir: join(tmp, 'public') })
  const server = await startLocalServer(result, join(tmp, 'public'))
  const base = server.url
  try {
    const requests = mix(result.manifest.routes)
    // Warm every URL once so "before" is a steady state, not a cold start.
    for (const r of requests) await fetch(`${base}${r.path}`, { method: r.method ?? 'GET', headers: r.headers }).then((res) => res.arrayBuffer())
    const before = await rssMiB(server.pid!)

    let next = 0
    const run = await autocannon({
      url: base,
      connections,
      amount,
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
    const after = await rssMiB(server.pid!)
    const statuses = Object.fromEntries(Object.entries(run.statusCodeStats ?? {}).map(([code, s]) => [code, Number((s as { count: number }).count)]))
    const fivexx = Object.entries(statuses).filter(([code]) => code.startsWith('5')).reduce((n, [, c]) => n + c, 0)
    const report = {
      requests: run.requests.total,
      connections,
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
    return { report, clean: run.errors === 0 && run.timeouts === 0 && fivexx === 0 }
  } finally {
    await server.stop()
    await rm(tmp, { recursive: true, force: true })
  }
}

