// The whole deploy against local KV (real `wrangler kv … --local --persist-to`),
// with `wrangler deploy` replaced by a recorded BUILD_ID and the real worker
// (unstable_dev) serving that build from the same KV. Tests run in order: each
// deploys on top of what the one before left.
import { spawnSync } from 'node:child_process'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { deploy, DeployError } from '../../scripts/deploy/deploy.ts'
import { planGc, runGc } from '../../scripts/deploy/gc.ts'
import type { KvTarget } from '../../scripts/deploy/kv-target.ts'
import { rollback } from '../../scripts/deploy/rollback.ts'
import { manifestBlobs, readState, referencedBlobs } from '../../scripts/deploy/state.ts'
import { DOCS_RECORD, type SearchDocsRecord } from '../../src/shared/search.ts'
import { BUILDS_KEY, blobKey, buildKey } from '../../src/shared/keys.ts'
import type { Manifest } from '../../src/shared/schema.ts'
import { serveAll, setup } from './deploy-harness.ts'

// The dry run is here too, not in a file of its own, so that its build (which writes
// public/) never runs while a test below starts the worker that serves public/.
// It plans offline: no account, and every proxy pointed at a closed port so any
// network attempt would fail the run.
const root = fileURLToPath(new URL('../..', import.meta.url))

function dryRun(args: string[]) {
  const offline = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' }
  const env: Record<string, string | undefined> = { ...process.env, ...offline, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }
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

const THIRD = '/2023/11/third/'
const ctx = await setup()
const builds: Manifest[] = []

/** Every route of the build answers 200: nothing half-published. */
async function expectServesWhole(manifest: Manifest, extra: string[] = []) {
  const pages = await serveAll(ctx.persistTo, manifest.buildId, manifest, extra)
  const bad = [...pages].filter(([path, r]) => !extra.includes(path) && r.status !== 200).map(([p, r]) => `${p} ${r.status}`)
  expect(bad).toEqual([])
  expect(pages.size).toBeGreaterThan(10)
  return pages
}

describe('deploy to local KV', { timeout: 300_000 }, () => {
  it('first deploy: uploads every record, the manifest and the state record, then switches the worker', async () => {
    const result = await ctx.build()
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker, now: new Date('2024-01-01T00:00:00Z') })
    // Every blob the build made: the manifest's and the search snippet texts its doc table names.
    const blobs = result.blobs.size
    expect(blobs).toBeGreaterThan(manifestBlobs(result.manifest).size)
    expect(report.skipped).toBe(0)
    expect(report.writes).toBe(blobs + 2)
    expect(ctx.kv.writes).toBe(blobs + 2)
    // Order: blobs, manifest last among the content, the state record after, and only then the worker.
    const keys = ctx.kv.puts.flat().map((e) => e.key)
    expect(keys.at(-2)).toBe(buildKey(result.manifest.buildId))
    expect(keys.at(-1)).toBe(BUILDS_KEY)
    expect(await ctx.worker.current()).toBe(result.manifest.buildId)
    const state = await readState(ctx.kv)
    expect(state.builds.map((b) => b.id)).toEqual([result.manifest.buildId])
    expect(new Set(state.blobs)).toEqual(new Set(result.blobs.keys()))
    builds.push(result.manifest)
    await expectServesWhole(result.manifest)
  })

  it('redeploying unchanged content writes nothing', async () => {
    ctx.kv.reset()
    const result = await ctx.build()
    expect(result.manifest.buildId).toBe(builds[0]!.buildId)
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker })
    expect(report.writes).toBe(0)
    expect(ctx.kv.writes).toBe(0)
    expect(report.skipped).toBe(result.blobs.size)
  })

  it('a deploy with one post body changed writes at most 5 keys, plus the search index', async () => {
    ctx.kv.reset()
    // Its first paragraph: the post's summary too, the most a body edit can change.
    await ctx.edit('2023-11-20-third.md', (t) => t.replace('Its body is what the tests edit.', 'Its body was edited, version two.'))
    const result = await ctx.build()
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker })
    const written = ctx.kv.puts.flat().map((e) => e.key)
    // The post's record, its feed entry (the body with absolute URLs), its `meta:` record (the
    // summary changed), the manifest and the state record. Listings, feeds and /llms.txt hold
    // paths, so they are not rewritten; its links (next = the scheduled 2099 post, at that
    // step) are records of their own, so the schedule epochs share one copy of the body.
    expect(ctx.kv.writes).toBe(report.writes)
    const blobs = ctx.kv.puts.flat().filter((e) => e.key.startsWith(blobKey(''))).map((e) => JSON.parse(e.value) as { kind: string; path: string })
    const search = blobs.filter((b) => b.kind.startsWith('search-'))
    const content = blobs.filter((b) => !b.kind.startsWith('search-'))
    expect(content.map((b) => `${b.kind} ${b.path}`).sort()).toEqual([`entry ${THIRD}`, `meta ${THIRD}`, `post ${THIRD}`])
    expect(ctx.kv.writes - search.length).toBe(5)
    // The search index (issue 9): the post's snippet text, and one copy of its changed shard and
    // docs record per schedule epoch: here 1 + 2 × (1 + 1 scheduled post). Counted, not hidden.
    expect(new Set(search.map((b) => b.kind))).toEqual(new Set(['search-text', 'search-shard', 'search-docs']))
    expect(search.length).toBeLessThanOrEqual(1 + 2 * (1 + result.manifest.schedule.length))
    expect(written.filter((k) => k.startsWith(blobKey('')))).toHaveLength(report.writes - 2)
    expect(written).toContain(buildKey(result.manifest.buildId))
    expect(written.at(-1)).toBe(BUILDS_KEY)
    expect(report.skipped).toBe(result.blobs.size - (report.writes - 2))
    builds.push(result.manifest)
    const pages = await expectServesWhole(result.manifest)
    expect(pages.get(THIRD)!.body).toContain('version two')
  })

  it('a deploy that fails halfway leaves the previous build serving, whole', async () => {
    ctx.kv.reset()
    await ctx.edit('2021-03-01-first.md', (t) => t.replace('body version one', 'body version three, never live'))
    await ctx.edit('2022-06-15-second.md', (t) => `${t}\nAnother paragraph, never live.\n`)
    const result = await ctx.build()
    // The bulk put fails after the first batch has gone up.
    let calls = 0
    const flaky: KvTarget = {
      ...ctx.kv,
      putMany: async (entries) => {
        if (++calls === 2) throw new Error('simulated network failure')
        return ctx.kv.putMany(entries)
      },
    }
    const attempt = deploy(result, { kv: flaky, worker: ctx.worker, limits: { pairs: 2, bytes: 1_000_000 } })
    await expect(attempt).rejects.toBeInstanceOf(DeployError)
    await expect(attempt).rejects.toThrow(/batch 2 of \d+.*previous build/s)
    expect(ctx.kv.writes).toBe(2)
    expect(await ctx.worker.current()).toBe(builds[1]!.buildId)
    const state = await readState(ctx.kv)
    expect(state.builds[0]!.id).toBe(builds[1]!.buildId)
    const pages = await expectServesWhole(builds[1]!)
    expect(pages.get(THIRD)!.body).toContain('version two')
    expect([...pages.values()].some((p) => p.body.includes('never live'))).toBe(false)

    // Run again: it completes, re-sending what the failed run had sent (the record never claimed it).
    ctx.kv.reset()
    const retry = await deploy(result, { kv: ctx.kv, worker: ctx.worker })
    expect(await ctx.worker.current()).toBe(result.manifest.buildId)
    expect(retry.writes).toBe(ctx.kv.writes)
    builds.push(result.manifest)
    const after = await expectServesWhole(result.manifest)
    expect(after.get('/2021/03/first/')!.body).toContain('version three')
  })

  it('rollback brings back the earlier build, code pointer and content together', async () => {
    ctx.kv.reset()
    const { buildId } = await rollback(undefined, { kv: ctx.kv, worker: ctx.worker })
    expect(buildId).toBe(builds[1]!.buildId)
    expect(await ctx.worker.current()).toBe(builds[1]!.buildId)
    expect(ctx.kv.writes).toBe(1)
    expect((await readState(ctx.kv)).builds.map((b) => b.id)).toEqual([builds[1]!.buildId, builds[2]!.buildId, builds[0]!.buildId])
    const pages = await expectServesWhole(builds[1]!)
    expect(pages.get('/2021/03/first/')!.body).toContain('body version one')
    await expect(rollback('0123456789abcdef', { kv: ctx.kv, worker: ctx.worker })).rejects.toThrow(/not kept/)
  })

  it('gc deletes exactly what no kept build references, after listing it', async () => {
    // Keep two: deploying build 3 again (newest) retires build 1.
    ctx.kv.reset()
    const result = await ctx.build()
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker, keep: 2 })
    expect(report.retired).toEqual([builds[0]!.buildId])
    expect(report.writes).toBe(1)
    const kept = [builds[2]!, builds[1]!]
    const referenced = new Set<string>()
    for (const m of kept) for (const h of await referencedBlobs(m, (hash) => ctx.kv.get(blobKey(hash)))) referenced.add(h)
    // The live build's search snippet texts are referenced only through its doc table: gc must keep them.
    const docs = JSON.parse(result.blobs.get(result.manifest.records[DOCS_RECORD]!)!) as SearchDocsRecord
    for (const doc of docs.docs) expect(referenced.has(doc[4])).toBe(true)

    const plan = await planGc(ctx.kv)
    expect(plan.kept).toEqual(kept.map((m) => m.buildId))
    expect(plan.keys).toContain(buildKey(builds[0]!.buildId))
    // Build 1's own post records are gone with it; nothing a kept build uses is listed.
    const onlyFirst = [...manifestBlobs(builds[0]!)].filter((h) => !referenced.has(h))
    expect(onlyFirst.length).toBeGreaterThan(0)
    expect(plan.keys.filter((k) => k.startsWith(blobKey('')))).toEqual(expect.arrayContaining(onlyFirst.map(blobKey)))
    for (const key of plan.keys) if (key.startsWith(blobKey(''))) expect(referenced.has(key.slice(blobKey('').length))).toBe(false)

    ctx.kv.reset()
    const deleted = await runGc(ctx.kv, plan)
    expect(deleted).toBe(plan.keys.length)
    expect(ctx.kv.deletes).toBe(plan.keys.length)
    expect(ctx.kv.writes).toBe(1)
    // What is left is exactly what the kept builds use, and the state record agrees.
    const left = (await ctx.kv.list(blobKey(''))).map((k) => k.slice(blobKey('').length))
    expect(new Set(left)).toEqual(referenced)
    expect(new Set((await readState(ctx.kv)).blobs)).toEqual(referenced)
    expect((await ctx.kv.list(buildKey(''))).sort()).toEqual(kept.map((m) => buildKey(m.buildId)).sort())
    expect((await planGc(ctx.kv)).keys).toEqual([])
    // The live build still serves whole (the other kept build's keys are all there, checked above).
    await expectServesWhole(builds[2]!)
  })
})
