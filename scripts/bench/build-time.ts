/**
 * `npx tsx scripts/bench/build-time.ts [--posts 10000] [--seed 42] [--parallel]`: times the
 * build on a generated corpus (corpus.ts) three ways: cold (empty cache), warm
 * (unchanged content, everything from the content-hash cache) and with one post
 * edited. Prints one JSON line per run. Numbers, not assertions: see README.
 */

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { build } from '../build/index.ts'
import { generateCorpus } from './corpus.ts'

const { values } = parseArgs({
  options: { posts: { type: 'string', default: '10000' }, seed: { type: 'string', default: '42' }, parallel: { type: 'boolean', default: false } },
})
const count = Number(values.posts)
const root = await mkdtemp(join(tmpdir(), 'kumo-bench-'))
try {
  const content = join(root, 'content')
  await generateCorpus(content, count, Number(values.seed))
  const options = { contentDir: content, outDir: join(root, 'dist'), publicDir: join(root, 'public'), cacheDir: join(root, 'cache'), parallel: values.parallel, now: new Date('2025-06-01T00:00:00Z') }
  const run = async (label: string) => {
    const started = performance.now()
    const cpu = process.cpuUsage()
    const { summary } = await build(options)
    const ms = Math.round(performance.now() - started)
    // CPU time too: wall time on a shared machine swings with the neighbours' load.
    const used = process.cpuUsage(cpu)
    const cpuMs = Math.round((used.user + used.system) / 1000)
    console.log(JSON.stringify({ run: label, posts: summary.posts, ms, cpuMs, cached: summary.cached, routes: summary.routes, kvBytes: summary.kvBytes, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) }))
  }
  await run('cold')
  await run('warm')
  const posts = join(content, 'posts')
  const first = (await readdir(posts)).sort()[Math.floor(count / 2)]!
  await writeFile(join(posts, first), `${await readFile(join(posts, first), 'utf8')}\nOne more paragraph, edited.\n`)
  await run('one-post-changed')
} finally {
  await rm(root, { recursive: true, force: true })
}
