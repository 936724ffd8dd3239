/**
 * A throw-away local Kumo for the browser tests: content/ built into a temp
 * folder and served by the shared local server (scripts/local-server.ts).
 */

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildToDisk } from '../../scripts/pipeline/index.ts'
import { startLocalServer } from '../../scripts/local-server.ts'
import { paths } from '../../scripts/project.ts'

export interface Server {
  origin: string
  stop(): Promise<void>
}

export async function startServer(contentDir = paths.contentDir): Promise<Server> {
  const tmp = await mkdtemp(join(tmpdir(), 'kumo-e2e-'))
  const publicDir = join(tmp, 'public')
  const result = await buildToDisk({ contentDir, outDir: join(tmp, 'dist'), publicDir })
  const server = await startLocalServer(result, publicDir).catch(async (error: unknown) => {
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
