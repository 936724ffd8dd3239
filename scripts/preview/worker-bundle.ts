/**
 * The worker as one ES module for `npm start`'s workerd (./workerd.ts),
 * bundled with esbuild the way `wrangler dev` bundles it (wrangler's
 * bundleWorker: ESM, target es2024, the `workerd`/`worker`/`browser` export
 * conditions, names kept, NODE_ENV "development"); JSX is set by tsconfig.json.
 *
 * Kept in `.kumo/bin/` with the stat stamps of the files it was made from
 * (and of this file and package-lock.json), and made again only when one of
 * them changed or went away, or wrangler.toml names another entry, as
 * scripts/run.mjs does for the commands: most starts bundle nothing, and do
 * not even load esbuild (~0.3 s).
 */

import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { paths } from '../project.ts'
import { stampOf } from '../pipeline/sources.ts'

const BIN = join(paths.root, '.kumo', 'bin')

/** Besides the files esbuild read: how they are bundled (this file) and the locked packages. */
const BUNDLER = [relative(paths.root, fileURLToPath(import.meta.url)), 'package-lock.json']

/** Whether the bundle was made from `main` and every input (relative to the root) has the stamp it had. */
async function upToDate(inputsFile: string, main: string): Promise<boolean> {
  const record = await readFile(inputsFile, 'utf8').then((t) => JSON.parse(t) as { main: string; inputs: Record<string, string> }, () => undefined)
  if (record?.main !== main || !record.inputs) return false
  return Object.entries(record.inputs).every(([file, stamp]) => stampOf(join(paths.root, file)) === stamp)
}

async function bundle(entry: string, out: string, inputsFile: string): Promise<void> {
  const { build } = await import('esbuild')
  const result = await build({
    absWorkingDir: paths.root,
    entryPoints: [entry],
    bundle: true,
    write: false,
    outfile: out,
    format: 'esm',
    platform: 'browser',
    target: 'es2024',
    conditions: ['workerd', 'worker', 'browser'],
    // workerd's own modules, left to it as wrangler leaves them (`node:*` needs nodejs_compat).
    external: ['cloudflare:*', 'node:*'],
    keepNames: true,
    define: { 'process.env.NODE_ENV': '"development"' },
    metafile: true,
    logLevel: 'silent',
  })
  const files = [...Object.keys(result.metafile.inputs), ...BUNDLER]
  const inputs = Object.fromEntries(files.map((f) => [f, stampOf(join(paths.root, f))]))
  // Written to a new name and renamed: two starts at once never load half a file.
  await mkdir(BIN, { recursive: true })
  await writeFile(`${out}.tmp-${process.pid}`, result.outputFiles[0]!.contents)
  await rename(`${out}.tmp-${process.pid}`, out)
  await writeFile(`${inputsFile}.tmp-${process.pid}`, JSON.stringify({ main: entry, inputs }))
  await rename(`${inputsFile}.tmp-${process.pid}`, inputsFile)
}

/** The path of the worker's bundle, made first if the worker's code changed; `main` is wrangler.toml's. */
export async function workerBundle(main: string): Promise<string> {
  const out = join(BIN, 'worker.mjs')
  const inputsFile = `${out}.inputs.json`
  if (await upToDate(inputsFile, main)) return out
  try {
    await bundle(main, out, inputsFile)
  } catch (error) {
    // esbuild's message names the file, line and column of each error.
    const first = (error as { errors?: Array<{ text: string; location?: { file: string; line: number; column: number } }> }).errors?.[0]
    const where = first?.location ? `${first.location.file}:${first.location.line}:${first.location.column}: ` : ''
    throw new Error(`the worker does not build: ${where}${first?.text ?? String((error as Error).message).split('\n')[0]}`)
  }
  return out
}
