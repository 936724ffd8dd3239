// scripts/run.mjs: a command runs as its bundle, sees itself as the script being run,
// and is bundled again only when a file it was made from changes.
import { spawnSync } from 'node:child_process'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { appendFile, cp, readdir } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { FIXTURE_CONTENT } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const run = (...args: string[]) => spawnSync(process.execPath, [join(root, 'scripts', 'run.mjs'), ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 })
const bundle = join(root, '.kumo', 'bin', 'new.mjs')
const tempDir = useTempDirs('kumo-run-')

describe('scripts/run.mjs', () => {
  it('runs an entry file from its bundle, with the arguments it was given', () => {
    const r = run('new')
    expect(r.stderr).toContain('usage: npm run new -- "Post title"')
    expect(r.status).toBe(1)
    const inputs = JSON.parse(readFileSync(`${bundle}.inputs.json`, 'utf8')) as Record<string, string>
    expect(Object.keys(inputs)).toContain('scripts/new.ts')
    expect(Object.keys(inputs)).toContain('src/shared/time.ts')
  })

  it('bundles the pure JavaScript packages in, keeps the rest external, and stands package-lock.json for them', () => {
    // An option the command does not know: one line naming it, no stack trace (the bundle is made first).
    const r = run('build', '--no-such-option')
    expect(r.status).toBe(2)
    expect(r.stderr.trim()).toBe("npm run build: Unknown option '--no-such-option' (the README lists each command's options)")
    const dir = join(root, '.kumo', 'bin')
    // One CommonJS script, run from V8's code cache (run.mjs CODE_CACHED).
    const code = readFileSync(join(dir, 'build.cjs'), 'utf8')
    const imported = new Set([...code.matchAll(/\brequire\("([^".][^"]*)"\)/g)].map((m) => m[1]!))
    // Node 20 runs no import() in a node:vm script without an experimental flag: what the build loads late, it requires.
    expect(code).not.toMatch(/\bimport\("[^".]/)
    for (const spec of ['zod', 'marked', 'parse5', 'highlight.js/lib/core', 'gray-matter', 'js-yaml']) expect(imported, spec).not.toContain(spec)
    // sharp has native code: it loads from node_modules, when a build has images to measure.
    expect(code).toMatch(/createRequire\)?\("[^"]*"\)\("sharp"\)/)
    const inputs = Object.keys(JSON.parse(readFileSync(join(dir, 'build.cjs.inputs.json'), 'utf8')) as Record<string, string>)
    expect(inputs).toContain('package-lock.json')
    expect(inputs.filter((f) => f.startsWith('node_modules/'))).toEqual([])
  })

  it("lists itself among a bundle's inputs, and remakes a bundle whose inputs do not (one an older run.mjs made)", () => {
    run('new')
    const inputsFile = `${bundle}.inputs.json`
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8')) as Record<string, string>
    expect(Object.keys(inputs)).toContain('scripts/run.mjs')
    delete inputs['scripts/run.mjs']
    writeFileSync(inputsFile, JSON.stringify(inputs))
    const before = statSync(bundle).mtimeMs
    run('new')
    expect(statSync(bundle).mtimeMs).toBeGreaterThan(before)
    expect(Object.keys(JSON.parse(readFileSync(inputsFile, 'utf8')) as Record<string, string>)).toContain('scripts/run.mjs')
  })

  it("bundles js-yaml without its !!js/function type's esprima, which no schema Kumo reads with uses", async () => {
    const [content, work] = [await tempDir(), await tempDir()]
    await generateCorpus(content, 2, 1, { real: true })
    const r = run('build', '--content', content, '--work', work, '--quiet', '--no-cache')
    expect(r.status, r.stderr).toBe(0)
    // The render worker's bundle, one file, which reads every post's front matter.
    const code = readFileSync(join(root, '.kumo', 'bin', 'pipeline--render-worker.cjs'), 'utf8')
    expect(code).toContain('tag:yaml.org,2002:js/function')
    expect(code).not.toContain('esprima')
  })

  it("bundles zod with its English messages only, and they still name what is wrong", async () => {
    const [content, work] = [await tempDir(), await tempDir()]
    await generateCorpus(content, 2, 1, { real: true })
    const config = join(content, 'site.yml')
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^paginate: .*$/m, 'paginate: many'))
    const r = run('build', '--content', content, '--work', work, '--quiet', '--no-cache')
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/site\.yml:\d+: `paginate` Invalid input: expected number, received string/)
    for (const name of ['build.cjs', 'pipeline--render-worker.cjs']) {
      const code = readFileSync(join(root, '.kumo', 'bin', name), 'utf8')
      expect(code, name).toContain('Invalid input: expected ')
      // German's "expected …, received …", as zod's locales/de.js words it: not carried.
      expect(code, name).not.toContain('erhalten')
    }
  })

  it('reuses the bundle while its inputs are unchanged', () => {
    run('new')
    const before = statSync(bundle).mtimeMs
    run('new')
    expect(statSync(bundle).mtimeMs).toBe(before)
  })

  // An edit's build in a new process leaves its one file to the worker (render-thread.ts), which run.mjs starts first.
  it.skipIf(availableParallelism() < 2)('runs the render worker from V8\'s code cache, which it makes after its first job and makes again when V8 rejects it', async () => {
    const [content, work, cold] = [await tempDir(), await tempDir(), await tempDir()]
    await generateCorpus(content, 12, 5, { real: true })
    const post = join(content, 'posts', (await readdir(join(content, 'posts'))).sort()[4]!)
    const build = (...more: string[]) => run('build', '--content', content, '--quiet', ...more)
    const edit = async (n: number) => {
      await appendFile(post, `\nEdit ${n}, of the test.\n`)
      const r = build('--work', work)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toContain('(11 files from cache)')
      return r.stdout
    }
    expect(build('--work', work).status).toBe(0)
    await edit(1)
    const cache = join(root, '.kumo', 'bin', 'pipeline--render-worker.cjs.v8')
    const header = readFileSync(cache).subarray(0, readFileSync(cache).indexOf('\n') + 1)
    expect(header.toString()).toMatch(new RegExp(`^${process.version} ${process.arch} \\d+:[\\d.]+\n$`))
    // A cache for this very bundle that V8 finds corrupt: the worker compiles from source, and saves a good one.
    writeFileSync(cache, Buffer.concat([header, Buffer.from('not a code cache')]))
    const edited = await edit(2)
    const saved = readFileSync(cache)
    expect(saved.subarray(0, header.length).equals(header)).toBe(true)
    expect(saved.length).toBeGreaterThan(10_000)
    // The worker's render is the one a build without any cache makes.
    const fresh = build('--work', cold, '--no-cache')
    const id = (out: string) => /^built (\w+):/.exec(out)?.[1]
    expect(id(edited)).toBeDefined()
    expect(id(edited)).toBe(id(fresh.stdout))
  })

  it('runs the build from V8\'s code cache, made by the first build after its bundle and then used as it is', async () => {
    const [content, work] = [await tempDir(), await tempDir()]
    // The fixture shows an image: the bundle loads sharp to measure it.
    await cp(FIXTURE_CONTENT, content, { recursive: true })
    const cache = join(root, '.kumo', 'bin', 'build.cjs.v8')
    const build = () => run('build', '--content', content, '--work', work, '--quiet')
    const first = build()
    expect(first.status, first.stderr).toBe(0)
    const blobs = await readdir(join(work, 'dist', 'blobs'), { recursive: true })
    const texts = blobs.filter((f) => f.endsWith('.json')).map((f) => readFileSync(join(work, 'dist', 'blobs', f), 'utf8'))
    expect(texts.some((t) => t.includes('edge-request.svg\\" alt=') && t.includes('width=\\"640\\" height=\\"200\\"'))).toBe(true)
    const made = statSync(cache)
    expect(readFileSync(cache).toString('latin1', 0, 40)).toMatch(new RegExp(`^${process.version} ${process.arch} \\d+:`))
    expect(made.size).toBeGreaterThan(10_000)
    const again = build()
    expect(again.status, again.stderr).toBe(0)
    expect(again.stdout).toContain('nothing changed since build')
    // Accepted, so not made again.
    expect(statSync(cache).mtimeMs).toBe(made.mtimeMs)
  })

  it('names an unknown command in one line', () => {
    const r = run('no-such-command')
    expect(r.status).toBe(2)
    expect(r.stderr.trim()).toBe('scripts/no-such-command.ts: no such command')
  })
})
