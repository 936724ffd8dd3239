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
import { BudgetError, deploy, DeployError } from '../../scripts/deploy/deploy.ts'
import { ledgerStore } from '../../scripts/deploy/budget.ts'
import { refBlob } from '../../src/shared/packs.ts'
import { buildReader, deployCache } from '../../scripts/deploy/cache.ts'
import { planGc, runGc } from '../../scripts/deploy/gc.ts'
import { planDeploy } from '../../scripts/deploy/plan.ts'
import type { KvTarget } from '../../scripts/deploy/kv-target.ts'
import { rollback } from '../../scripts/deploy/rollback.ts'
import { liveBuild } from '../../scripts/deploy/live.ts'
import { listBuilds, manifestBlobs, readState, referencedBlobs, sortBuilds } from '../../scripts/deploy/state.ts'
import { DOCS_RECORD, type SearchDocsRecord } from '../../src/shared/search.ts'
import { blobKey, buildKey } from '../../src/shared/keys.ts'
import { encodeManifest, encodePatch } from '../../src/shared/manifest-codec.ts'
import type { Manifest, RouteEntry } from '../../src/shared/schema.ts'
import { serveAll, setup } from './deploy-harness.ts'

// The dry run is here too, not in a file of its own, so that its build (which writes
// public/) never runs while a test below starts the worker that serves public/.
// It plans offline: no account, and every proxy pointed at a closed port so any
// network attempt would fail the run.
const root = fileURLToPath(new URL('../..', import.meta.url))

function deployCli(args: string[]) {
  const offline = { HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', https_proxy: 'http://127.0.0.1:9', http_proxy: 'http://127.0.0.1:9' }
  const env: Record<string, string | undefined> = { ...process.env, ...offline, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }
  delete env.CLOUDFLARE_API_TOKEN
  delete env.CLOUDFLARE_ACCOUNT_ID
  return spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'deploy.ts'), 'deploy', ...args], { cwd: root, env, encoding: 'utf8', timeout: 120_000 })
}
const dryRun = (args: string[]) => deployCli(['--dry-run', ...args])

describe('deploy --dry-run', { timeout: 150_000 }, () => {
  it('prints the keys to write, the KV writes and the bundle size, with no account and no network', async () => {
    const run = dryRun(['--persist-to', await mkdtemp(join(tmpdir(), 'kumo-dry-'))])
    expect(run.stderr).not.toMatch(/error/i)
    expect(run.status).toBe(0)
    const out = run.stdout
    expect(out).toContain('nothing is written')
    const records = Number(/would write: (\d+) records, 1 manifest \(/.exec(out)?.[1])
    expect(records).toBeGreaterThan(10)
    // Every record is listed, then the manifest.
    expect(out.match(/^ {4}\+ v1:blob:[0-9a-f]{32}$/gm)).toHaveLength(records)
    expect(out).toMatch(/^ {4}\+ v1:build:[0-9a-f]{16}$/m)
    expect(out).toContain(`KV writes it would use: ${records + 1}`)
    expect(out).not.toMatch(/state record|v1:builds/)
    const kib = Number(/worker bundle: ([\d.]+) KiB/.exec(out)?.[1])
    expect(kib).toBeGreaterThan(10)
  })

  it('plans against a namespace it deployed to: the same content needs no write', async () => {
    const persist = await mkdtemp(join(tmpdir(), 'kumo-dry-'))
    expect(deployCli(['--persist-to', persist]).status).toBe(0)
    // Built on the live build's search base, whose records are in KV but not in this build's blobs.
    const run = dryRun(['--persist-to', persist])
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('KV writes it would use: 0')
  })

  it('plans a Cloudflare deploy from the deploy cache alone, still offline', () => {
    const run = dryRun([])
    expect(run.status).toBe(0)
    // No deploy from this checkout: a first deploy; after one: against the builds it cached.
    expect(run.stdout).toMatch(/planned against (nothing|the namespace as the last deploy, rollback or gc from this checkout left it)/)
    expect(run.stdout).toMatch(/KV writes it would use: \d+/)
    expect(run.stdout).toMatch(/worker bundle: [\d.]+ KiB/)
  })
})

const THIRD = '/2023/11/third/'
const FIRST_AT = '2024-01-01T00:00:00.000Z'
const ctx = await setup()
const cache = deployCache(join(ctx.dir, 'deploy-cache'))
const builds: Manifest[] = []
const ids = () => builds.map((m) => m.buildId)
const refsFromKv = () => buildReader(ctx.kv).refs
/** The test's own blob reads, each key fetched once (a `wrangler kv key get` is a process). */
function memoGet() {
  const seen = new Map<string, Promise<string | null>>()
  return (hash: string) => seen.get(hash) ?? seen.set(hash, ctx.kv.get(blobKey(hash))).get(hash)!
}

/** Every route of the build answers 200: nothing half-published. */
async function expectServesWhole(manifest: Manifest, extra: string[] = []) {
  const pages = await serveAll(ctx.persistTo, manifest.buildId, manifest, extra)
  const bad = [...pages].filter(([path, r]) => !extra.includes(path) && r.status !== 200).map(([p, r]) => `${p} ${r.status}`)
  expect(bad).toEqual([])
  expect(pages.size).toBeGreaterThan(10)
  return pages
}

describe('deploy state, derived from manifest key metadata', () => {
  it('sorts builds newest first by `at`; keys without a readable `at` last, in list order', () => {
    const sorted = sortBuilds([
      { name: buildKey('nometa') },
      { name: buildKey('old'), metadata: { at: '2024-01-01T00:00:00.000Z' } },
      { name: buildKey('garbage'), metadata: { at: 'yesterday-ish' } },
      { name: buildKey('new'), metadata: { at: '2025-06-01T12:00:00.000Z' } },
      { name: buildKey('number'), metadata: { at: 5 } },
      { name: buildKey('nullmeta'), metadata: null },
    ])
    expect(sorted.map((b) => b.id)).toEqual(['new', 'old', 'nometa', 'garbage', 'number', 'nullmeta'])
    expect(sorted.slice(2).every((b) => b.at === null)).toBe(true)
  })

  it('plans 0 writes for the newest build, 1 for any other build whose manifest is in KV, kept or not', () => {
    const manifest: Manifest = { v: 1, buildId: 'b', builtAt: FIRST_AT, template: 't', routes: { '/x/': ['h1', '"e"', 0] }, records: { site: 'h2' }, redirects: {}, schedule: [] }
    const blobs = new Map([['h1', '{}'], ['h2', '{}']])
    const now = new Date('2025-01-01T00:00:00Z')
    const newer = { id: 'a', at: '2024-12-01T00:00:00.000Z' }
    const older = { id: 'b', at: '2024-11-01T00:00:00.000Z' }
    // Not kept with --keep 1, so its blobs are not in the derived set: its listed manifest vouches for them.
    const redeploy = planDeploy(manifest, blobs, { builds: [newer, older], kept: ['a'], blobs: new Set() }, { keep: 1, now })
    expect(redeploy.batches.flat().map((e) => [e.key, e.metadata])).toEqual([[buildKey('b'), { at: now.toISOString() }]])
    expect([redeploy.writes, redeploy.skipped]).toEqual([1, 2])
    expect(redeploy.builds.map((b) => b.id)).toEqual(['b', 'a'])
    expect(redeploy.retired).toEqual(['a'])
    const again = planDeploy(manifest, blobs, { builds: redeploy.builds, kept: ['b'], blobs: new Set(['h1', 'h2']) }, { keep: 1, now })
    expect([again.writes, again.batches.length]).toEqual([0, 0])
    // Newest but undated (an older Kumo's manifest): dated now, 1 write.
    const undated = planDeploy(manifest, blobs, { builds: [{ id: 'b', at: null }], kept: ['b'], blobs: new Set(['h1', 'h2']) }, { keep: 1, now })
    expect(undated.writes).toBe(1)
    // Unknown build: every blob, then the manifest alone.
    const fresh = planDeploy(manifest, blobs, { builds: [newer], kept: ['a'], blobs: new Set(['h2']) }, { keep: 10, now })
    expect(fresh.batches.map((b) => b.map((e) => e.key))).toEqual([[blobKey('h1')], [buildKey('b')]])
  })
})

describe('deploy to local KV', { timeout: 300_000 }, () => {
  it('first deploy: uploads every record, then the dated manifest alone, then switches the worker', async () => {
    const result = await ctx.build()
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker, cache, now: new Date(FIRST_AT) })
    // Every blob the build made: the manifest's and the search snippet texts its doc table names.
    const blobs = result.blobs.size
    expect(blobs).toBeGreaterThan(manifestBlobs(result.manifest).size)
    expect(report.skipped).toBe(0)
    expect(report.writes).toBe(blobs + 1)
    expect(ctx.kv.writes).toBe(blobs + 1)
    // Order: blobs, then the manifest in a request of its own with its deploy time, and only then the worker.
    const last = ctx.kv.puts.at(-1)!
    expect(last.map((e) => [e.key, e.metadata])).toEqual([[buildKey(result.manifest.buildId), { at: FIRST_AT }]])
    expect(ctx.kv.puts.slice(0, -1).flat().every((e) => e.key.startsWith(blobKey('')) && e.metadata === undefined)).toBe(true)
    expect(ctx.kv.puts.flat().map((e) => e.key)).not.toContain('v1:builds')
    // State is read with one list of manifest keys on an empty namespace: nothing to get.
    expect(ctx.kv.lists).toEqual([buildKey('')])
    expect(ctx.kv.reads).toEqual([])
    expect(await ctx.worker.current()).toBe(result.manifest.buildId)
    expect(await listBuilds(ctx.kv)).toEqual([{ id: result.manifest.buildId, at: FIRST_AT }])
    // Derived from KV alone: the manifest's references are exactly the blobs the build made.
    const state = await readState(ctx.kv, 10, refsFromKv())
    expect(state.kept).toEqual([result.manifest.buildId])
    expect(new Set(state.blobs)).toEqual(new Set(result.blobs.keys()))
    expect(await ctx.kv.list('v1:builds')).toEqual([])
    builds.push(result.manifest)
    await expectServesWhole(result.manifest)
  })

  it('redeploying unchanged content writes nothing, reading each key at most once (none with the cache)', async () => {
    ctx.kv.reset()
    const result = await ctx.build()
    expect(result.manifest.buildId).toBe(builds[0]!.buildId)
    // No cache: the manifest and its search doc tables are read from KV, each once.
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker })
    expect(report.writes).toBe(0)
    expect(ctx.kv.writes).toBe(0)
    expect(report.skipped).toBe(result.blobs.size)
    expect(ctx.kv.reads[0]).toBe(buildKey(result.manifest.buildId))
    expect(ctx.kv.reads.slice(1).every((k) => k.startsWith(blobKey('')))).toBe(true)
    expect(new Set(ctx.kv.reads).size).toBe(ctx.kv.reads.length)
    expect(ctx.kv.lists).toHaveLength(1)
    // With the cache the first deploy filled: one list, no reads, still no writes.
    ctx.kv.reset()
    const cached = await deploy(result, { kv: ctx.kv, worker: ctx.worker, cache })
    expect([cached.writes, ctx.kv.writes, ctx.kv.reads.length, ctx.kv.lists.length]).toEqual([0, 0, 0, 1])
    expect((await listBuilds(ctx.kv))[0]!.at).toBe(FIRST_AT)
  })

  it('a deploy with one post body changed writes at most 5 keys: the packs of its records, the search delta and the manifest', async () => {
    ctx.kv.reset()
    // Its first paragraph: the post's summary too, the most a body edit can change.
    await ctx.edit('2023-11-20-third.md', (t) => t.replace('Its body is what the tests edit.', 'Its body was edited, version two.'))
    // As `npm run deploy` does: list the builds once, measure against the live build (dates, search index).
    const listed = await listBuilds(ctx.kv)
    const result = await ctx.build(await liveBuild(listed[0]?.id, buildReader(ctx.kv, cache)))
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker, cache, builds: listed })
    const written = ctx.kv.puts.flat().map((e) => e.key)
    // The pack of the post's page records (its body, its links), the pack of its feed entry and
    // Markdown, the pack of its `meta:` record (the summary changed), the search index's delta and
    // the manifest (src/shared/packs.ts). Listings, feeds and /llms.txt hold paths, so they are not
    // rewritten; the search index is one set of records for every epoch. No state record.
    expect(ctx.kv.writes).toBe(report.writes)
    expect(ctx.kv.writes).toBe(5)
    const members = (value: string) => value.split('\n').map((line) => JSON.parse(line) as { kind: string; path?: string })
    const blobs = ctx.kv.puts.flat().filter((e) => e.key.startsWith(blobKey(''))).map((e) => members(e.value))
    const third = blobs.flat().filter((b) => b.path === THIRD).map((b) => b.kind)
    expect(third.sort()).toEqual(['entry', 'markdown', 'meta', 'post'])
    expect(blobs.flat().filter((b) => b.kind === 'search-delta')).toHaveLength(1)
    expect(written).not.toContain('v1:builds')
    // The base's doc table and shards are the live build's, already in KV.
    expect(result.external.size).toBeGreaterThan(0)
    expect(written.filter((k) => k.startsWith(blobKey('')))).toHaveLength(report.writes - 1)
    expect(written.at(-1)).toBe(buildKey(result.manifest.buildId))
    expect(report.skipped).toBe(result.blobs.size - (report.writes - 1))
    // Everything about the kept build, its search doc table included, came from the cache: one list, no reads.
    expect([ctx.kv.lists.length, ctx.kv.reads.length]).toEqual([1, 0])
    builds.push(result.manifest)
    expect((await listBuilds(ctx.kv)).map((b) => b.id)).toEqual([ids()[1], ids()[0]])
    expect(await cache.builds()).toEqual(await listBuilds(ctx.kv))
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
    const attempt = deploy(result, { kv: flaky, worker: ctx.worker, cache, limits: { pairs: 2, bytes: 1_000_000 } })
    await expect(attempt).rejects.toBeInstanceOf(DeployError)
    await expect(attempt).rejects.toThrow(/batch 2 of \d+.*previous build/s)
    expect(ctx.kv.writes).toBe(2)
    const sent = ctx.kv.puts.flat().map((e) => e.key)
    expect(sent.every((k) => k.startsWith(blobKey('')))).toBe(true)
    expect(await ctx.worker.current()).toBe(ids()[1])
    // No manifest went up, so the namespace's state is as it was.
    expect((await listBuilds(ctx.kv)).map((b) => b.id)).toEqual([ids()[1], ids()[0]])
    const pages = await expectServesWhole(builds[1]!)
    expect(pages.get(THIRD)!.body).toContain('version two')
    expect([...pages.values()].some((p) => p.body.includes('never live'))).toBe(false)

    // Run again: it completes, re-sending what the failed run had sent (no manifest claimed it).
    ctx.kv.reset()
    const retry = await deploy(result, { kv: ctx.kv, worker: ctx.worker, cache })
    expect(await ctx.worker.current()).toBe(result.manifest.buildId)
    expect(retry.writes).toBe(ctx.kv.writes)
    expect(ctx.kv.puts.flat().map((e) => e.key)).toEqual(expect.arrayContaining(sent))
    builds.push(result.manifest)
    expect((await listBuilds(ctx.kv)).map((b) => b.id)).toEqual([ids()[2], ids()[1], ids()[0]])
    const after = await expectServesWhole(result.manifest)
    expect(after.get('/2021/03/first/')!.body).toContain('version three')
  })

  it('a manifest without metadata (an older Kumo) sorts last and is read like any other', async () => {
    const legacy = { ...builds[0]!, buildId: 'feedfacefeedface' }
    await ctx.kv.putMany([{ key: buildKey(legacy.buildId), value: encodeManifest(legacy) }])
    const listed = await listBuilds(ctx.kv)
    expect(listed.map((b) => b.id)).toEqual([...ids().reverse(), legacy.buildId])
    expect(listed.at(-1)!.at).toBeNull()
    // The cache knows the builds deployed with it; the undated one is read from KV.
    ctx.kv.reset()
    const state = await readState(ctx.kv, 10, buildReader(ctx.kv, cache).refs)
    expect(state.kept).toEqual(listed.map((b) => b.id))
    expect(ctx.kv.reads).toContain(buildKey(legacy.buildId))
    for (const id of ids()) expect(ctx.kv.reads).not.toContain(buildKey(id))
    expect(new Set(ctx.kv.reads).size).toBe(ctx.kv.reads.length)
    // Redeploying the newest build is still free: the undated manifest does not displace it.
    ctx.kv.reset()
    const again = await deploy(await ctx.build(), { kv: ctx.kv, worker: ctx.worker, cache })
    expect([again.writes, ctx.kv.writes, ctx.kv.reads.length]).toEqual([0, 0, 0])
  })

  it('rollback re-dates the earlier build (1 write) and brings it back, code pointer and content together', async () => {
    ctx.kv.reset()
    const { buildId } = await rollback(undefined, { kv: ctx.kv, worker: ctx.worker })
    expect(buildId).toBe(ids()[1])
    expect(await ctx.worker.current()).toBe(ids()[1])
    expect(ctx.kv.writes).toBe(1)
    // Its manifest, the same value, put again with a new `at`: read once, from KV.
    const [put] = ctx.kv.puts.flat()
    expect(put!.key).toBe(buildKey(ids()[1]!))
    expect(put!.value).toBe(encodeManifest(builds[1]!))
    expect(Date.parse(put!.metadata!.at!)).toBeGreaterThan(Date.parse(FIRST_AT))
    expect(ctx.kv.reads).toEqual([buildKey(ids()[1]!)])
    // Promoted: the list order changed.
    expect((await listBuilds(ctx.kv)).map((b) => b.id)).toEqual([ids()[1], ids()[2], ids()[0], 'feedfacefeedface'])
    const pages = await expectServesWhole(builds[1]!)
    expect(pages.get('/2021/03/first/')!.body).toContain('body version one')
    ctx.kv.reset()
    await expect(rollback('0123456789abcdef', { kv: ctx.kv, worker: ctx.worker })).rejects.toThrow(/no manifest in KV/)
    expect(ctx.kv.writes).toBe(0)
    expect(await ctx.worker.current()).toBe(ids()[1])
  })

  it('gc deletes the manifests of builds not kept first, then exactly the blobs only they used', async () => {
    // Keep two: deploying build 3 again re-dates it (1 write), so builds 1 and the legacy one fall out.
    ctx.kv.reset()
    const result = await ctx.build()
    expect(result.manifest.buildId).toBe(ids()[2])
    const report = await deploy(result, { kv: ctx.kv, worker: ctx.worker, keep: 2 })
    expect(report.writes).toBe(1)
    expect(ctx.kv.puts.flat().map((e) => e.key)).toEqual([buildKey(ids()[2]!)])
    expect(report.retired).toEqual([ids()[0], 'feedfacefeedface'])
    const kept = [builds[2]!, builds[1]!]
    const readBlob = memoGet()
    const referenced = new Set<string>()
    for (const m of kept) for (const h of await referencedBlobs(m, readBlob)) referenced.add(h)
    // The live build's search snippet texts are referenced only through its doc table: gc must keep them.
    const docs = JSON.parse(result.blobs.get(result.manifest.records[DOCS_RECORD]!)!) as SearchDocsRecord
    for (const doc of docs.docs) expect(referenced.has(refBlob(doc[4]))).toBe(true)

    const plan = await planGc(ctx.kv, { keep: 2 })
    expect(plan.kept.map((b) => b.id)).toEqual(kept.map((m) => m.buildId))
    expect(plan.manifests).toEqual([buildKey(ids()[0]!), buildKey('feedfacefeedface')])
    // Build 1's own records and nothing else: the legacy copy shares them, the kept builds use the rest.
    const onlyFirst = [...(await referencedBlobs(builds[0]!, readBlob))].filter((h) => !referenced.has(h))
    expect(onlyFirst.length).toBeGreaterThan(0)
    expect(new Set(plan.blobs)).toEqual(new Set(onlyFirst.map(blobKey)))
    expect(plan.keys).toEqual([...plan.manifests, ...plan.blobs])

    ctx.kv.reset()
    const deleted = await runGc(ctx.kv, plan)
    expect(deleted).toBe(plan.keys.length)
    expect(ctx.kv.deletes).toBe(plan.keys.length)
    expect(ctx.kv.writes).toBe(0)
    // Manifests in the first request, before any blob.
    expect(ctx.kv.dels[0]).toEqual(plan.manifests)
    expect(ctx.kv.dels.slice(1).flat()).toEqual(plan.blobs)
    // What is left is exactly what the kept builds use, and the state derived from KV agrees.
    const left = (await ctx.kv.list(blobKey(''))).map((k) => k.name.slice(blobKey('').length))
    expect(new Set(left)).toEqual(referenced)
    expect(new Set((await readState(ctx.kv, 2, buildReader(ctx.kv, cache).refs)).blobs)).toEqual(referenced)
    expect((await listBuilds(ctx.kv)).map((b) => b.id)).toEqual(kept.map((m) => m.buildId))
    expect((await planGc(ctx.kv, { keep: 2, cache })).keys).toEqual([])
    // The live build still serves whole (the other kept build's keys are all there, checked above).
    await expectServesWhole(builds[2]!)
  })

  it("reads npm start's patch of a build (a saved post, manifest-codec.ts encodePatch) as the whole build it stands for", async () => {
    const live = builds[2]!
    const [path, entry] = Object.entries(live.routes).find(([, e]) => e.length === 3)!
    const patchedEntry: RouteEntry = [entry[0], `${entry[1]}-saved`, entry[2] + 1]
    const whole: Manifest = { ...live, buildId: '5a7ed5a7ed5a7ed5', routes: { ...live.routes, [path]: patchedEntry } }
    const key = buildKey(whole.buildId)
    await ctx.kv.putMany([{ key, value: encodePatch(whole, live.buildId, [[path, patchedEntry]]) }])
    // Undated, as npm start seeds it: listed last, and read over its base wherever a deploy or gc reads it.
    const state = await readState(ctx.kv, 10, buildReader(ctx.kv).refs)
    expect(state.kept.at(-1)).toBe(whole.buildId)
    expect(new Set(await buildReader(ctx.kv).refs(whole.buildId))).toEqual(await referencedBlobs(whole, memoGet()))
    expect((await liveBuild(whole.buildId, buildReader(ctx.kv))).previous?.routes[path]).toEqual(patchedEntry)
    await ctx.kv.deleteMany([key])
    // A kept patch whose base is an undated build listed after it (npm start's own): gc keeps the base's manifest.
    const base = { ...live, buildId: 'ba5eba5eba5eba5e' }
    const patch = { ...whole, buildId: '5a7e000000000001' }
    await ctx.kv.putMany([
      { key: buildKey(base.buildId), value: encodeManifest(base) },
      { key: buildKey(patch.buildId), value: encodePatch(patch, base.buildId, [[path, patchedEntry]]) },
    ])
    const listed = (await listBuilds(ctx.kv)).map((b) => b.id)
    expect(listed.slice(-2)).toEqual([patch.buildId, base.buildId])
    const plan = await planGc(ctx.kv, { keep: listed.length - 1 })
    expect(plan.kept.map((b) => b.id)).toContain(patch.buildId)
    expect(plan.manifests).not.toContain(buildKey(base.buildId))
    expect((await planGc(ctx.kv, { keep: listed.length - 2 })).manifests).toEqual([buildKey(patch.buildId), buildKey(base.buildId)])
    await ctx.kv.deleteMany([buildKey(base.buildId), buildKey(patch.buildId)])
  })
})

describe('a deploy over the day\'s KV write budget', { timeout: 300_000 }, () => {
  it('stops before its manifest with a message, the old build serving; the same deploy again finishes it, rewriting nothing', async () => {
    const site = await setup()
    const dir = join(site.dir, 'deploy-cache')
    const opts = { kv: site.kv, worker: site.worker, cache: deployCache(dir), ledger: ledgerStore(dir), now: new Date(FIRST_AT) }
    const first = await site.build()
    await deploy(first, { ...opts, budget: 1000 })
    const serves = async (m: Manifest) => {
      const pages = await serveAll(site.persistTo, m.buildId, m)
      expect([...pages].filter(([, r]) => r.status !== 200).map(([p, r]) => `${p} ${r.status}`)).toEqual([])
      return pages
    }
    await site.edit('2021-03-01-first.md', (t) => t.replace('body version one', 'body version two, paused'))
    await site.edit('2023-11-20-third.md', (t) => `${t}\nA paragraph added while paused.\n`)
    const second = await site.build()
    // 1,000 used today of 1,003: three writes left, fewer than the edit needs.
    site.kv.reset()
    const paused = deploy(second, { ...opts, budget: first.blobs.size + 1 + 3 })
    await expect(paused).rejects.toBeInstanceOf(BudgetError)
    await expect(paused).rejects.toThrow(/paused at the day's KV write budget .*3 of \d+ writes done.*still serves build/)
    expect(site.kv.writes).toBe(3)
    const sent = site.kv.puts.flat().map((e) => e.key)
    expect(sent.every((k) => k.startsWith(blobKey('')))).toBe(true)
    expect(await site.worker.current()).toBe(first.manifest.buildId)
    expect((await listBuilds(site.kv)).map((b) => b.id)).toEqual([first.manifest.buildId])
    const before = await serves(first.manifest)
    expect([...before.values()].some((p) => p.body.includes('paused'))).toBe(false)

    // No write left today: refused before anything is written.
    site.kv.reset()
    await expect(deploy(second, { ...opts, budget: first.blobs.size + 1 + 3 })).rejects.toThrow(/0 of \d+ writes done/)
    expect(site.kv.writes).toBe(0)

    // The same deploy with room (a new day, or a larger --budget): the rest, then the manifest.
    site.kv.reset()
    const done = await deploy(second, { ...opts, budget: 10_000 })
    const resent = site.kv.puts.flat().map((e) => e.key)
    expect(resent.filter((k) => sent.includes(k))).toEqual([])
    expect(resent.at(-1)).toBe(buildKey(second.manifest.buildId))
    expect(done.writes).toBe(site.kv.writes)
    expect(await site.worker.current()).toBe(second.manifest.buildId)
    const after = await serves(second.manifest)
    expect(after.get('/2021/03/first/')!.body).toContain('body version two, paused')
  })
})
