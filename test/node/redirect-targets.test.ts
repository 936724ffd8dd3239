// Which redirects of the manifest the worker follows: to a route, to the search page the worker
// answers itself, or to a file the static assets serve; never to a path nothing answers.
import { describe, expect, it } from 'vitest'
import { canonicalFor } from '../../src/data/paths.ts'
import { SCHEMA_VERSION } from '../../src/shared/keys.ts'
import { indexManifest } from '../../src/shared/manifest-codec.ts'
import type { Manifest } from '../../src/shared/schema.ts'

const manifest: Manifest = {
  v: SCHEMA_VERSION,
  buildId: 'b',
  builtAt: '2026-01-01T00:00:00Z',
  template: 't',
  routes: { '/about/': ['h', '"e"', 0] },
  records: {},
  redirects: { '/about.html': '/about/', '/search.html': '/search', '/doc/': '/doc/index.html', '/gone/': '/nowhere/' },
  schedule: [],
}

describe('canonicalFor', () => {
  const index = indexManifest(manifest)
  it.each([
    ['/about.html', '/about/'],
    ['/search.html', '/search'],
    ['/doc/', '/doc/index.html'],
    ['/gone/', undefined],
  ])('%s → %s', (from, to) => {
    expect(canonicalFor(index, from, 0)).toBe(to)
  })
})
