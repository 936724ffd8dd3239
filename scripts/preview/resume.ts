/**
 * A warm `npm start`: when nothing a build is made of has changed since the
 * build local KV serves (the content folder, public/, the renderer's code and
 * locked packages), the preview serves that build as soon as `wrangler dev`
 * answers, and makes its own build, which saves need (a BuildSession), right
 * after; should that build differ after all, the open pages reload to it.
 *
 * "Unchanged" is read from each file's name, size and mtime, as make does: an
 * editor's save always moves the mtime. The record lives in the local state
 * folder beside the seeding ledger (seed-local.ts), so deleting that folder
 * forgets both.
 */

import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { rendererVersion } from '../pipeline/cache.ts'
import { sha256 } from '../pipeline/manifest.ts'
import { writeFileAtomic } from '../pipeline/write.ts'
import { seededBuild } from '../seed-local.ts'

const RECORD = 'kumo-preview-start.json'

export interface ResumeDirs {
  contentDir: string
  publicDir: string
  stateDir: string
}

/** Every file under `dir` by name, size and mtime, in name order ('' when there is no folder). */
async function treeStat(dir: string): Promise<string> {
  const names = (await readdir(dir, { recursive: true }).catch(() => [] as string[])).sort()
  const lines = await Promise.all(
    names.map(async (name) => {
      const s = await stat(join(dir, name)).catch(() => undefined)
      return s?.isFile() ? `${name}\0${s.size}\0${s.mtimeMs}` : ''
    }),
  )
  return lines.join('\n')
}

/** What the next build would be made of, as one hash. */
export async function inputsPrint(dirs: ResumeDirs): Promise<string> {
  const [code, content, assets] = await Promise.all([rendererVersion(), treeStat(dirs.contentDir), treeStat(dirs.publicDir)])
  return sha256([code, dirs.contentDir, content, assets].join('\0'))
}

/** The build local KV serves, if it was made from exactly what is on disk now. */
export async function resumableBuild(dirs: ResumeDirs): Promise<string | undefined> {
  const record = await readFile(join(dirs.stateDir, RECORD), 'utf8').then(
    (text) => JSON.parse(text) as { print?: string; buildId?: string },
    () => undefined,
  )
  if (!record?.buildId || record.buildId !== (await seededBuild(dirs.stateDir))) return undefined
  return record.print === (await inputsPrint(dirs)) ? record.buildId : undefined
}

/** Notes that `buildId`, now seeded and current, was made from what is on disk now. */
export async function rememberBuild(dirs: ResumeDirs, buildId: string): Promise<void> {
  await writeFileAtomic(join(dirs.stateDir, RECORD), JSON.stringify({ print: await inputsPrint(dirs), buildId }))
}
