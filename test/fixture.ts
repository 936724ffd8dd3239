/**
 * The fixture blog under test/fixtures/content, built as of a fixed instant so
 * that one post is scheduled (2025-06-01, past by now) and one is far in the
 * future (2099).
 */

import { cp } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const FIXTURE_CONTENT = fileURLToPath(new URL('./fixtures/content', import.meta.url))

/** The fixture's seed post, the one the rebuild tests edit: its file under the content folder and its route. */
export const SEED_POST = { file: join('posts', '2025-01-31-deepseek-ai.md'), path: '/2025/01/deepseek-ai/' }

/** A copy of the fixture blog at `<root>/content`, to edit; its path. */
export async function copyFixture(root: string): Promise<string> {
  const contentDir = join(root, 'content')
  await cp(FIXTURE_CONTENT, contentDir, { recursive: true })
  return contentDir
}
export const FIXTURE_NOW = new Date('2025-05-01T00:00:00Z')

/** The edit the workerd tests' second build makes (test/vitest.worker.config.ts), to search through a delta. */
export const DELTA_EDIT = {
  file: '2025-03-02-edge-rendering-with-workers.md',
  path: '/2025/03/edge-rendering-with-workers/',
  from: 'A static site is fast because it does no work per request.',
  to: 'A static site is fast because it does no work per request, like a zeppelin at anchor.',
}

/**
 * When the workerd tests' second build runs: after the scheduled post has
 * appeared, as the tests see it (their requests run at the real time).
 */
export const DELTA_NOW = new Date('2025-07-01T01:00:00Z')
