/**
 * What compression costs and saves, per route, inside workerd (Miniflare):
 * bytes on the wire for identity, gzip and brotli, and the workerd process's
 * CPU time per request (user + system, read from /proc around a run of
 * requests). The Workers runtime encodes the body as it sends it
 * (src/compress), outside JavaScript, so a timer inside the worker cannot see
 * the cost; the process's CPU clock can. The identity row is the baseline:
 * the difference is the encoding's price.
 */

import { readFileSync, readdirSync } from 'node:fs'
import { request } from 'node:http'
import type { Miniflare } from 'miniflare'
import type { BuildResult } from '../pipeline/index.ts'
import { benchMiniflare } from './render.ts'

export interface CompressionRow {
  route: string
  coding: 'identity' | 'gzip' | 'br'
  bytes: number
  /** workerd CPU per request, ms (median of runs). */
  cpuMs: number
}

const CODINGS = ['identity', 'gzip', 'br'] as const
const RUNS = 5
const PER_RUN = 150

/** Clock ticks of every workerd process on the machine that Miniflare started (children of this process). */
function workerdTicks(): number {
  let ticks = 0
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const [comm, ppid] = [stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), Number(fields[1])]
      if (comm === 'workerd' && ppid === process.pid) ticks += Number(fields[11]) + Number(fields[12])
    } catch {
      // gone
    }
  }
  return ticks
}

/** Clock ticks per second (USER_HZ): 100 on Linux. */
const HZ = 100

function get(url: string, coding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: coding === 'identity' ? {} : { 'Accept-Encoding': coding } }, (res) => {
      let n = 0
      res.on('data', (d: Buffer) => (n += d.length))
      res.on('end', () => resolve(n))
    })
    req.on('error', reject)
    req.end()
  })
}

async function measure(mf: Miniflare, path: string, coding: (typeof CODINGS)[number]): Promise<{ bytes: number; cpuMs: number }> {
  const url = new URL(path.split('/').map(encodeURIComponent).join('/'), await mf.ready).href
  const bytes = await get(url, coding)
  const runs: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const t0 = workerdTicks()
    for (let i = 0; i < PER_RUN; i++) await get(url, coding)
    runs.push(((workerdTicks() - t0) / HZ / PER_RUN) * 1000)
  }
  runs.sort((a, b) => a - b)
  return { bytes, cpuMs: runs[Math.floor(RUNS / 2)]! }
}

/** The routes a feed reader and a browser fetch most: the feeds, a tag feed, a post, the API. */
export async function compressionBench(bundleFile: string, result: BuildResult): Promise<CompressionRow[]> {
  const routes = Object.keys(result.manifest.routes)
  const post = Object.keys(result.manifest.records).find((k) => k.startsWith('meta:'))!.slice('meta:'.length)
  const samples: Array<[string, string | undefined]> = [
    ['feed (Atom)', '/feed.xml'],
    ['feed (JSON)', '/feed.json'],
    ['tag feed (Atom)', routes.find((p) => /^\/tags\/[^/]+\/feed\.xml$/.test(p))],
    ['post', post],
    ['/api/posts', '/api/posts'],
  ]
  const mf = await benchMiniflare(bundleFile, result)
  try {
    const rows: CompressionRow[] = []
    for (const [route, path] of samples) {
      if (!path) continue
      for (const coding of CODINGS) rows.push({ route, coding, ...(await measure(mf, path, coding)) })
    }
    return rows
  } finally {
    await mf.dispose()
  }
}
