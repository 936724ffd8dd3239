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

import { statSync } from 'node:fs'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, '.kumo', 'bin')

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
async function upToDate(inputsFile) {
  try {
    const inputs = JSON.parse(await readFile(inputsFile, 'utf8'))
    for (const [file, print] of Object.entries(inputs)) if (fingerprint(file) !== print) return false
    return true
  } catch {
    return false // no bundle yet, or a file it was made from is gone
  }
}

/** @param {string} entry @param {string} out @param {string} inputsFile */
async function bundle(entry, out, inputsFile) {
  // Loaded only when a bundle is made: most runs need none, and loading esbuild costs ~0.3 s.
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: root,
    entryPoints: { [basename(out, '.mjs')]: entry },
    outdir: bin,
    outExtension: { '.js': '.mjs' },
    // Code behind an `await import()` (the Markdown renderer, sharp) goes into a chunk of its
    // own, loaded only by a run that needs it: a warm build renders nothing.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    write: false,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx',
    plugins: [externalPackages, sourceUrls],
    // A bundled CommonJS package's require() of Node's own modules (gray-matter's fs) needs a require.
    banner: { js: "import { createRequire as __kumoCreateRequire } from 'node:module'; const require = __kumoCreateRequire(import.meta.url);" },
    metafile: true,
    logLevel: 'error',
  })
  /** @type {Record<string, string>} */
  const inputs = {}
  // Metafile paths are relative to absWorkingDir, the project's root.
  // A bundled package's files stand behind package-lock.json, which is one stat instead of hundreds.
  for (const file of Object.keys(result.metafile.inputs)) if (!file.startsWith('node_modules/')) inputs[file] = fingerprint(file)
  inputs['package-lock.json'] = fingerprint('package-lock.json')
  // Renames are atomic, so two commands starting at once never run half a file. Chunks are
  // named by their contents, so the entry, written last, only ever names whole chunks.
  const chunks = result.outputFiles.filter((f) => f.path !== out)
  await mkdir(join(bin, 'chunks'), { recursive: true })
  for (const file of [...chunks, ...result.outputFiles.filter((f) => f.path === out)]) {
    await writeFile(`${file.path}.tmp-${process.pid}`, file.contents)
    await rename(`${file.path}.tmp-${process.pid}`, file.path)
  }
  await writeFile(`${inputsFile}.tmp-${process.pid}`, JSON.stringify(inputs))
  await rename(`${inputsFile}.tmp-${process.pid}`, inputsFile)
}

const [name, ...args] = process.argv.slice(2)
if (!name) {
  console.error('usage: node scripts/run.mjs <name> [args…]   (runs scripts/<name>.ts)')
  process.exit(2)
}
const entry = join(root, 'scripts', `${name}.ts`)
const out = join(bin, `${name.replaceAll('/', '--')}.mjs`)
const inputsFile = `${out}.inputs.json`
try {
  await stat(entry)
} catch {
  console.error(`scripts/${name}.ts: no such command`)
  process.exit(2)
}
if (!(await upToDate(inputsFile))) {
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
  await import(pathToFileURL(out).href)
} catch (error) {
  // An option the command does not know (node:util parseArgs, strict): one line naming it, not a stack trace.
  if (!String(/** @type {{ code?: unknown }} */ (error)?.code).startsWith('ERR_PARSE_ARGS_')) throw error
  console.error(`npm run ${name}: ${/** @type {Error} */ (error).message} (the README lists each command's options)`)
  process.exit(2)
}
