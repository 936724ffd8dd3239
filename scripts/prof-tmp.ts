import { Session } from 'node:inspector/promises'
import { readdir, readFile, writeFile, mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { buildToDisk, BuildSession } from './build/index.ts'
import { generateCorpus } from './bench/corpus.ts'
const n = Number(process.argv[2] ?? 10000)
const root = '/tmp/prof/w' + n
const dir = join(root, 'content')
try { await readdir(dir) } catch { await generateCorpus(dir, n) }
const options = { contentDir: dir, outDir: join(root, 'dist'), publicDir: join(root, 'public'), cacheDir: join(root, 'cache'), session: new BuildSession() }
let t = performance.now()
await buildToDisk(options); console.log('cold', performance.now() - t)
t = performance.now(); await buildToDisk(options); console.log('warm', performance.now() - t)
const posts = join(dir, 'posts'); const names = (await readdir(posts)).sort()
const victim = join(posts, names[Math.floor(names.length / 2)]!)
const original = await readFile(victim, 'utf8')
await writeFile(victim, `${original}\nOne more paragraph ${Date.now()}.\n`)
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start')
t = performance.now(); await buildToDisk(options); console.log('one', performance.now() - t)
const { profile } = await s.post('Profiler.stop')
await writeFile('/tmp/prof/one.cpuprofile', JSON.stringify(profile))
await writeFile(victim, original)
