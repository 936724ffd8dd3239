/**
 * A warm `npm start`: when nothing a build is made of has changed since the
 * build local KV serves (the content folder, public/, the renderer's code and
 * locked packages), the preview serves that build as soon as `wrangler dev`
 * answers, and makes its own build, which saves need (a BuildSession), right
 * after; should that build differ after all, the open pages reload to it.
 *
 * "Unchanged" is read from each file's name and stat stamp (up-to-date.ts
 * treeStamp, as `npm run build` reads it): an editor's save moves mtime and
 * ctime. The record lives in the local state folder beside the seeding ledger
 * (seed-local.ts), so deleting that folder forgets both.
 */

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { rendererVersion } from '../pipeline/cache.ts'
import { sha256 } from '../pipeline/manifest.ts'
import { treeStamp } from '../pipeline/up-to-date.ts'
import { writeFileAtomic } from '../pipeline/write.ts'
import { seededBuild } from '../seed-local.ts'

const RECORD = 'kumo-preview-start.json'

export interface ResumeDirs {
  contentDir: string
  publicDir: string
  stateDir: string
}

/** What the next build would be made of, as one hash. */
export async function inputsPrint(dirs: ResumeDirs): Promise<string> {
  const code = await rendererVersion()
  const [content, assets] = [treeStamp(dirs.contentDir), treeStamp(dirs.publicDir)]
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
