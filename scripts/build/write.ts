/**
 * Stage "write": the build's output, all or nothing. Each output folder is
 * written beside its final place and renamed over it only when complete, so a
 * failed build leaves the previous output untouched. Nothing is ever written
 * outside the two folders the caller names.
 */

import { cp, lstat, mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname, relative, resolve, sep } from 'node:path'
import { BuildError } from './errors.ts'

export interface OutputFile {
  /** Path relative to its output folder. */
  path: string
  data: string | Uint8Array
}

export interface OutputTree {
  dir: string
  files: OutputFile[]
  /** Folders copied in whole: [source, path relative to the output folder]. */
  copies?: Array<[string, string]>
}

/** Joins a relative path under a root, refusing `..`, absolute paths and NUL. */
export function safeJoin(root: string, path: string): string {
  if (path.includes('\0')) throw new BuildError(path, 'an output path contains a NUL character')
  const full = resolve(root, path)
  const rel = relative(resolve(root), full)
  if (rel === '' || rel.startsWith('..') || rel.split(sep).includes('..') || resolve(path) === path) {
    throw new BuildError(path, 'an output path would leave the output folder; remove `..` or the leading `/`')
  }
  return full
}

/**
 * A symbolic link in a copied folder (content/assets) could point anywhere on
 * the machine and be served from there: it is an error naming the file.
 */
async function noLinks(root: string, file: string): Promise<boolean> {
  if ((await lstat(file)).isSymbolicLink()) {
    throw new BuildError(relative(dirname(root), file).split(sep).join('/'), 'is a symbolic link; copy the file itself into content/assets/')
  }
  return true
}

async function stage(tree: OutputTree): Promise<string> {
  const tmp = `${tree.dir}.tmp-${process.pid}`
  await rm(tmp, { recursive: true, force: true })
  try {
    await mkdir(tmp, { recursive: true })
    for (const [source, target] of tree.copies ?? []) {
      await cp(source, safeJoin(tmp, target), { recursive: true, preserveTimestamps: true, filter: (from) => noLinks(source, from) })
    }
    for (const file of tree.files) {
      const full = safeJoin(tmp, file.path)
      await mkdir(dirname(full), { recursive: true })
      await writeFile(full, file.data)
    }
  } catch (error) {
    await rm(tmp, { recursive: true, force: true })
    throw error
  }
  return tmp
}

/** Writes every tree to a temporary sibling first, then swaps them all in. */
export async function writeTrees(trees: OutputTree[]): Promise<void> {
  const staged: Array<[string, string]> = []
  try {
    for (const tree of trees) staged.push([await stage(tree), tree.dir])
  } catch (error) {
    await Promise.all(staged.map(([tmp]) => rm(tmp, { recursive: true, force: true })))
    throw error
  }
  for (const [tmp, dir] of staged) {
    const old = `${dir}.old-${process.pid}`
    await rm(old, { recursive: true, force: true })
    const hadOld = await rename(dir, old).then(
      () => true,
      () => false,
    )
    try {
      await rename(tmp, dir)
    } catch (error) {
      // Put the previous output back: a failed build never leaves a hole.
      if (hadOld) await rename(old, dir)
      await rm(tmp, { recursive: true, force: true })
      throw error
    }
    await rm(old, { recursive: true, force: true })
  }
}
