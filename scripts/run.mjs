/**
 * Runs one of the command-line entry files (`scripts/<name>.ts`) as JavaScript
 * bundled ahead of time, instead of compiling TypeScript on every start:
 * `node scripts/run.mjs build --drafts` is `tsx scripts/build.ts --drafts`
 * less about a second of start-up (tsx transforms ~150 files per run; a
 * bundle is one file that Node loads from its compile cache).
 *
 * The bundle lives in `.kumo/bin/<name>.mjs` with the list of files it was made
 * from; it is made again when any of them changed (size or mtime) or went
 * away, which costs ~0.1 s. Most packages stay external, so they load from
 * node_modules as usual; a few are bundled in (BUNDLED, below). This file is plain JavaScript because it is what
 * starts before any TypeScript can run.
 */

import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { availableParallelism } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { Script } from 'node:vm'
import { isMainThread, threadId, Worker } from 'node:worker_threads'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, '.kumo', 'bin')
const SELF = 'scripts/run.mjs'

/**
 * Code finds the project's folders from its own file (`new URL('..',
 * import.meta.url)`), so each module keeps the URL of its source file rather
 * than that of the bundle.
 * @type {import('esbuild').Plugin}
 */
const sourceUrls = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.tsx?$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
      loader: path.endsWith('.tsx') ? 'tsx' : 'ts',
    }))
  },
}

/**
 * Packages bundled in rather than loaded from node_modules at run time: pure
 * JavaScript (no native code, no files read beside themselves), whose loading
 * through Node's module loader cost more than the code itself: zod alone is
 * ~50 ms as ~100 files and ~28 ms as part of a bundle, gray-matter with
 * js-yaml ~40 ms and ~11 ms. Anything else (sharp, miniflare, esbuild) stays
 * external. The bundle is made again when package-lock.json changes (its
 * inputs list it).
 */
const BUNDLED = new Set(['zod', 'marked', 'marked-cjk-friendly', 'marked-footnote', 'parse5', 'entities', 'github-slugger', 'smol-toml', 'hono', 'highlight.js', 'gray-matter', 'js-yaml'])

/**
 * js-yaml 3 loads esprima (~7 ms, on the render worker's start and so on an
 * edit's build) for its `!!js/function` type, which only its default schema
 * has. Kumo reads every YAML file with the CORE or the safe schema, as Jekyll
 * reads only safe YAML, so the bundles carry that type as one that resolves
 * nothing: a `!!js/function` tag fails to load there as in the safe schema.
 * @type {import('esbuild').Plugin}
 */
const noJavascriptYaml = {
  name: 'no-javascript-yaml',
  setup(b) {
    b.onLoad({ filter: /[\\/]js-yaml[\\/]lib[\\/]js-yaml[\\/]type[\\/]js[\\/]function\.js$/ }, ({ path }) => ({
      contents: "module.exports = new (require('../../type'))('tag:yaml.org,2002:js/function', { kind: 'scalar', resolve: () => false })",
      resolveDir: dirname(path),
      loader: 'js',
    }))
  },
}

/**
 * zod's `z` is a namespace, so a bundle keeps all of it, and with it
 * `z.locales`: the error messages of ~60 languages, 370 KB of each ~1.5 MB
 * bundle, which every start reads and V8 deserializes (each thread of an
 * edit's build). Kumo's schemas speak English only (zod's default, which
 * zod loads from its own `en` module), so the bundles carry that one.
 * @type {import('esbuild').Plugin}
 */
const englishZod = {
  name: 'english-zod',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, ({ path }) => ({
      contents: "export { default as en } from './en.js'",
      resolveDir: dirname(path),
      loader: 'js',
    }))
  },
}

/** The package a bare specifier names: `a` of `a/b`, `@s/a` of `@s/a/b`. */
const packageOf = (/** @type {string} */ spec) => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/')

/** @type {import('esbuild').Plugin} */
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
      // What a bundled package imports comes with it, from its own node_modules as Node would find it.
      if (importer.includes('/node_modules/') && !path.startsWith('node:')) return undefined
      return BUNDLED.has(packageOf(path)) ? undefined : { path, external: true }
    })
  },
}

/**
 * Synchronous: every command checks its ~100 inputs before it starts, and a
 * stat the kernel has cached takes microseconds, where each awaited one is a
 * trip through libuv's thread pool.
 * @param {string} file
 */
function fingerprint(file) {
  const s = statSync(join(root, file))
  return `${s.size}:${s.mtimeMs}`
}

/** @param {string} inputsFile */
function upToDate(inputsFile) {
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'))
    for (const [file, print] of Object.entries(inputs)) if (fingerprint(file) !== print) return false
    return SELF in inputs // else made by a run.mjs that did not list itself
  } catch {
    return false // no bundle yet, or a file it was made from is gone
  }
}

/** @param {string} entry @param {string} out @param {string} inputsFile */
async function bundle(entry, out, inputsFile) {
  const cjs = out.endsWith('.cjs')
  // Loaded only when a bundle is made: most runs need none, and loading esbuild costs ~0.3 s.
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: root,
    entryPoints: { [basename(out).replace(/\.[cm]js$/, '')]: entry },
    outdir: bin,
    outExtension: { '.js': cjs ? '.cjs' : '.mjs' },
    // Code behind an `await import()` (the Markdown renderer, sharp) goes into a chunk of its
    // own, loaded only by a run that needs it. A code-cached entry is one script (CODE_CACHED),
    // in which such a module is compiled from the cache and initialised only when imported.
    splitting: !cjs,
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    bundle: true,
    platform: 'node',
    format: cjs ? 'cjs' : 'esm',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    plugins: [externalPackages, sourceUrls, noJavascriptYaml, englishZod],
    // A bundled CommonJS package's require() of Node's own modules (gray-matter's fs) needs a require.
    banner: cjs ? {} : { js: "import { createRequire as __kumoCreateRequire } from 'node:module'; const require = __kumoCreateRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'error',
  })
  /** @type {Record<string, string>} */
  const inputs = {}
  // Metafile paths are relative to absWorkingDir, the project's root.
  // A bundled package's files stand behind package-lock.json, which is one stat instead of hundreds.
  for (const file of Object.keys(result.metafile.inputs)) if (!file.startsWith('node_modules/')) inputs[file] = fingerprint(file)
  inputs['package-lock.json'] = fingerprint('package-lock.json')
  // And this file, which says how bundles are made.
  inputs[SELF] = fingerprint(SELF)
  // Renames are atomic, so two commands starting at once never run half a file. Chunks are
  // named by their contents, so the entry, written last, only ever names whole chunks.
  const chunks = result.outputFiles.filter((f) => f.path !== out)
  await mkdir(join(bin, 'chunks'), { recursive: true })
  for (const file of [...chunks, ...result.outputFiles.filter((f) => f.path === out)]) {
    await writeFile(`${file.path}.tmp-${process.pid}`, file.contents)
    await rename(`${file.path}.tmp-${process.pid}`, file.path)
  }
  await rm(`${out}.v8`, { force: true }) // made from the bundle before this one
  await writeFile(`${inputsFile}.tmp-${process.pid}`, JSON.stringify(inputs))
  await rename(`${inputsFile}.tmp-${process.pid}`, inputsFile)
}

/**
 * The worker thread a command will ask for, by command: started before the
 * command's own bundle is checked and loaded, so that the worker's start-up
 * (Node's bootstrap of a thread and the renderer's modules, ~0.15 s) runs on
 * the second core beside the main thread's, rather than after it. An edit's
 * build waits for nothing else (render-thread.ts, which takes it up).
 */
const PRESTART = /** @type {Record<string, string>} */ ({ build: 'pipeline/render-worker' })

/** Where the prestarted worker waits to be taken up (render-thread.ts takePrestarted), with the name it was started with. */
const PRESTARTED = Symbol.for('kumo.prestarted')

/** @param {string} name */
function prestart(name) {
  const workerName = PRESTART[name]
  if (!workerName || !isMainThread || availableParallelism() < 2) return
  const worker = new Worker(new URL(import.meta.url), { argv: [workerName] })
  // Unused (a build that renders on this thread, or fails first), it keeps no process alive.
  worker.unref()
  const handle = { name: workerName, worker, ended: false }
  const end = () => void (handle.ended = true)
  worker.once('error', end).once('exit', end)
  Object.assign(globalThis, { [PRESTARTED]: handle })
}

/**
 * Entries run as one CommonJS script compiled through node:vm with V8's code
 * cache (Node 20 has no compile cache for modules): the render worker, on
 * whose start-up an edit's build waits, and the build itself, which posts the
 * worker its job only once its own modules are loaded (159-post edit, 15
 * alternating runs: 455 → 433 ms; nothing changed: 138 → 119 ms). A cache is
 * made once, after the first job or build, so it holds the functions that ran
 * as well as the top level (V8 keeps what has been compiled by then), and is
 * dropped with the bundle.
 * V8 rejects a cache from another V8 or other flags; the header ties it to
 * the bundle's own file, since V8 checks only the source's length.
 */
const CODE_CACHED = new Set(['pipeline/render-worker', 'build'])

/** Where an entry run through runCodeCached finds the function that saves its code cache, if it has none yet. */
const SAVE_CODE_CACHE = Symbol.for('kumo.saveCodeCache')

/**
 * The bundle and its cache are read synchronously, as upToDate's inputs are:
 * the render worker starts while the main thread reads the content, and an
 * awaited read of the worker's waits in libuv's thread pool, which the two
 * threads share, behind the main thread's (a profile of an edit showed the
 * worker idle ~20 ms there before it loaded).
 * @param {string} out
 */
function runCodeCached(out) {
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(out, 'utf8')}\n})`
  const cacheFile = `${out}.v8`
  const header = Buffer.from(`${process.version} ${process.arch} ${fingerprint(relative(root, out))}\n`)
  /** @type {Buffer | undefined} */
  let cachedData
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    cachedData = undefined // none yet: this run makes it
  }
  cachedData = cachedData?.subarray(0, header.length).equals(header) ? cachedData.subarray(header.length) : undefined
  const script = new Script(source, { filename: out, cachedData })
  if (!cachedData || script.cachedDataRejected) {
    const save = () => {
      const tmp = `${cacheFile}.tmp-${process.pid}-${threadId}`
      try {
        writeFileSync(tmp, Buffer.concat([header, script.createCachedData()]))
        renameSync(tmp, cacheFile)
      } catch {
        // Best effort: without a cache the next run compiles from source, as this one did.
      }
    }
    // The entry saves the cache itself, once it has done its work (the worker is ended from outside).
    Object.assign(globalThis, { [SAVE_CODE_CACHE]: save })
  }
  const module = { exports: {} }
  script.runInThisContext()(module.exports, createRequire(out), module, out, dirname(out))
}

const [name, ...args] = process.argv.slice(2)
if (!name) {
  console.error('usage: node scripts/run.mjs <name> [args…]   (runs scripts/<name>.ts)')
  process.exit(2)
}
prestart(name)
const entry = join(root, 'scripts', `${name}.ts`)
const out = join(bin, `${name.replaceAll('/', '--')}.${CODE_CACHED.has(name) ? 'cjs' : 'mjs'}`)
const inputsFile = `${out}.inputs.json`
try {
  statSync(entry)
} catch {
  console.error(`scripts/${name}.ts: no such command`)
  process.exit(2)
}
if (!upToDate(inputsFile)) {
  await mkdir(dirname(out), { recursive: true })
  try {
    await bundle(entry, out, inputsFile)
  } catch {
    process.exit(1) // esbuild has printed the file, line and message
  }
}
// The entry file sees itself as the script being run, as it would under tsx.
process.argv = [process.argv[0], entry, ...args]
try {
  await (CODE_CACHED.has(name) ? runCodeCached(out) : import(pathToFileURL(out).href))
} catch (error) {
  // An option the command does not know (node:util parseArgs, strict): one line naming it, not a stack trace.
  if (!String(/** @type {{ code?: unknown }} */ (error)?.code).startsWith('ERR_PARSE_ARGS_')) throw error
  console.error(`npm run ${name}: ${/** @type {Error} */ (error).message} (the README lists each command's options)`)
  process.exit(2)
}
