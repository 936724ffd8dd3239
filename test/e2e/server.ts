/**
 * A throw-away local Kumo for the browser tests: content/ with the suite's own
 * additions (test/e2e/content/: a long code-heavy post with a Chinese table)
 * built into a temp folder and served by the shared local server
 * (scripts/local-server.ts). `siteYml` lines are appended to site.yml, to
 * configure comments for the pages that show them.
 */

import { appendFile, cp, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildToDisk } from '../../scripts/pipeline/index.ts'
import { startLocalServer } from '../../scripts/local-server.ts'
import { paths } from '../../scripts/project.ts'

const OVERLAY = fileURLToPath(new URL('./content/', import.meta.url))

export interface Server {
  origin: string
  stop(): Promise<void>
}

/** content/ plus the suite's additions, in a fresh folder under `dir`. */
export async function e2eContent(dir: string, siteYml = ''): Promise<string> {
  const contentDir = join(dir, 'content')
  await cp(paths.contentDir, contentDir, { recursive: true })
  await cp(OVERLAY, contentDir, { recursive: true })
  if (siteYml) await appendFile(join(contentDir, 'site.yml'), `\n${siteYml}\n`)
  return contentDir
}

/** `contentDir`: a fixture folder served as it is, instead of content/ plus the suite's additions. */
export async function startServer(options: { siteYml?: string; contentDir?: string } = {}): Promise<Server> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-e2e-'))
  const publicDir = join(tmp, 'public')
  const server = await (async () => {
    const contentDir = options.contentDir ?? (await e2eContent(tmp, options.siteYml))
    const result = await buildToDisk({ contentDir, outDir: join(tmp, 'dist'), publicDir })
    return startLocalServer(result, publicDir)
  })().catch(async (error: unknown) => {
    await rm(tmp, { recursive: true, force: true })
    throw error
  })
  return {
    origin: server.url,
    stop: async () => {
      await server.stop()
      await rm(tmp, { recursive: true, force: true })
    },
  }
}
