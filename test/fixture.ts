/**
 * The fixture blog under test/fixtures/content, built as of a fixed instant so
 * that one post is scheduled (2025-06-01, past by now) and one is far in the
 * future (2099).
 */

import { fileURLToPath } from 'node:url'

export const FIXTURE_CONTENT = fileURLToPath(new URL('./fixtures/content', import.meta.url))
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
