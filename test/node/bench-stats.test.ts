/**
 * What issue 18's benchmark computes, without timing anything: the min/median/max
 * of runs, the verdict against each goal, the rows and stage table it prints,
 * the sizes of the real-shaped corpus, and the stage times a build reports.
 */

import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateCorpus } from '../../scripts/bench/corpus.ts'
import { forEachTerm } from '../../src/shared/tokenize.ts'
import { metricRows, sizeRows, stageTable, type SizeRuns } from '../../scripts/bench/real-builds.ts'
import { issue18Markdown, markdownTable } from '../../scripts/bench/issue-18.ts'
import { goalFor, medians, metText, spread, verdict } from '../../scripts/bench/stats.ts'
import { buildToDisk } from '../../scripts/pipeline/index.ts'
import { FIXTURE_CONTENT, FIXTURE_NOW } from '../fixture.ts'
import { useTempDirs } from '../temp-dirs.ts'

const tempDir = useTempDirs('kumo-bench-stats-')

describe('spread', () => {
  it('is the min, median and max of the runs, whatever their order', () => {
    expect(spread([300, 100, 200])).toEqual({ runs: 3, min: 100, median: 200, max: 300 })
  })
  it('takes the mean of the middle two for an even count, and rounds', () => {
    expect(spread([4, 1, 2.4, 9])).toEqual({ runs: 4, min: 1, median: 3, max: 9 })
  })
  it('refuses no runs rather than printing NaN', () => {
    expect(() => spread([])).toThrow(/no runs/)
  })
  it('medians: per key, over the runs that have it, in first-seen order', () => {
    const m = medians([{ read: 10, render: 50 }, { read: 30, render: 40, write: 5 }, { read: 20, render: 60 }])
    expect(m).toEqual({ read: 20, render: 50, write: 5 })
    expect(Object.keys(m)).toEqual(['read', 'render', 'write'])
  })
})

describe('goals', () => {
  it('sets issue 18\'s targets only where the issue does', () => {
    expect(goalFor('cold build ms', 10000)).toEqual({ limit: 0.5, ofHugo: true })
    expect(goalFor('rebuild, one post edited ms', 159)).toEqual({ limit: 300 })
    expect(goalFor('rebuild, nothing changed ms', 1000)).toEqual({ limit: 1000 })
    expect(goalFor('rebuild, nothing changed ms', 10000)).toBeUndefined()
    expect(goalFor('cold build peak RSS MiB', 1000)).toBeUndefined()
    expect(goalFor('cold build peak RSS MiB', 10000)).toEqual({ limit: 1, ofHugo: true })
    expect(goalFor('save → refreshed page ms', 1000)).toEqual({ limit: 200 })
    expect(goalFor('npm start → first page ms', 159)).toEqual({ limit: 3000 })
  })
  it('judges a median against an absolute limit, the limit itself included', () => {
    expect(verdict({ limit: 300 }, 300)).toEqual({ target: '≤ 300', met: true })
    expect(verdict({ limit: 300 }, 301).met).toBe(false)
  })
  it('judges against a share of Hugo\'s median, and says n/a without Hugo', () => {
    expect(verdict({ limit: 0.5, ofHugo: true }, 500, 1000)).toEqual({ target: '≤ 0.5× Hugo', met: true })
    expect(verdict({ limit: 0.5, ofHugo: true }, 501, 1000).met).toBe(false)
    expect(verdict({ limit: 0.5, ofHugo: true }, 500).met).toBeUndefined()
    expect([true, false, undefined].map(metText)).toEqual(['met', 'NOT met', 'n/a'])
  })
})

describe('the tables', () => {
  it('puts Hugo beside Kumo, the ratio of medians and the verdict on Kumo\'s row', () => {
    const [kumo, hugo] = metricRows(1000, 'cold build ms', [900, 1100, 1000], [2500, 2000, 3000])
    expect(kumo).toMatchObject({ tool: 'Kumo', median: 1000, vsHugo: 0.4, target: '≤ 0.5× Hugo', met: 'met' })
    expect(hugo).toEqual({ posts: 1000, metric: 'cold build ms', tool: 'Hugo', runs: 3, min: 2000, median: 2500, max: 3000 })
  })
  it('leaves Hugo out, and the goal open, when Hugo was not run', () => {
    const rows = metricRows(159, 'cold build ms', [900, 1000, 1100], [])
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ met: 'n/a' })
    expect(rows[0]!.vsHugo).toBeUndefined()
  })
  const runs: SizeRuns = {
    posts: 159,
    kumoCold: [{ ms: 1000, rssMiB: 200 }, { ms: 1200, rssMiB: 210 }, { ms: 1100, rssMiB: 190 }],
    hugoCold: [],
    rebuildUnchanged: [{ ms: 250 }, { ms: 260 }, { ms: 270 }],
    rebuildEdited: [{ ms: 310 }, { ms: 320 }, { ms: 330 }],
    stages: [{ read: 100, render: 500 }, { read: 120, render: 700 }, { read: 110, render: 510 }],
  }
  it('has a row per metric of a size, judged', () => {
    expect(sizeRows(runs).map((r) => [r.metric, r.median, r.met])).toEqual([
      ['cold build ms', 1100, 'n/a'],
      ['cold build peak RSS MiB', 200, undefined],
      ['rebuild, nothing changed ms', 260, 'met'],
      ['rebuild, one post edited ms', 320, 'NOT met'],
    ])
  })
  it('stage table: the median of each stage, and of the wall time each run\'s stages do not cover', () => {
    // Per run 400, 380 and 480: not the 480 that the medians of wall and stages would give.
    expect(stageTable([runs])).toEqual({ read: { '159 posts': 110 }, render: { '159 posts': 510 }, 'outside the stages': { '159 posts': 400 } })
  })
})

describe('the real-shaped corpus and the stage timer', () => {
  it('writes exactly the posts asked for, and site.yml', async () => {
    const dir = await tempDir()
    await generateCorpus(dir, 159, 42, { real: true })
    expect((await readdir(join(dir, 'posts'))).filter((n) => n.endsWith('.md'))).toHaveLength(159)
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['site.yml', 'posts']))
  })
  it('has a vocabulary that grows with the blog, as a real one does, from the same bytes for the same seed', async () => {
    const termsOf = async (count: number, shape = { real: true }) => {
      const dir = await tempDir()
      await generateCorpus(dir, count, 42, shape)
      const terms = new Set<string>()
      let text = ''
      for (const name of (await readdir(join(dir, 'posts'))).sort()) text += await readFile(join(dir, 'posts', name), 'utf8')
      forEachTerm(text, (term) => terms.add(term))
      return { terms: terms.size, text }
    }
    const [small, large, again, repeated] = await Promise.all([termsOf(40), termsOf(160), termsOf(40), termsOf(160, { real: false })])
    // The imported blogs: ~560 (English) to ~1,730 (Chinese) distinct terms per post, still ~400 new ones per post at 168 posts.
    expect(small.terms / 40).toBeGreaterThan(400)
    expect((large.terms - small.terms) / 120).toBeGreaterThan(150)
    expect(repeated.terms).toBeLessThan(large.terms / 10)
    expect(again.text).toBe(small.text)
  })
  it('a build to disk reports each named stage once, in the order they run, its writes last', async () => {
    const { summary } = await buildToDisk({ contentDir: FIXTURE_CONTENT, outDir: await tempDir(), publicDir: await tempDir(), now: FIXTURE_NOW })
    expect(Object.keys(summary.stages)).toEqual(['config', 'discover', 'read', 'render', 'link', 'derive', 'images', 'assets', 'assemble', 'redirects', 'search', 'manifest', 'summary', 'public', 'write'])
    expect(Object.values(summary.stages).every((ms) => ms >= 0)).toBe(true)
  })
})

describe('the figures as Markdown', () => {
  it('is a table with a separator row, empty cells for absent values, pipes escaped', () => {
    expect(markdownTable(['a', 'b'], [[1, undefined], ['x|y', 'z']])).toBe('| a | b |\n| --- | --- |\n| 1 |  |\n| x\\|y | z |')
  })
  it('is nothing before (i) or (j) has run, and both sections\' rows and the stages after', () => {
    expect(issue18Markdown({})).toBe('')
    const rows = metricRows(159, 'rebuild, nothing changed ms', [100, 200, 300], [])
    const start = metricRows(159, 'npm start → first page ms', [2000, 2500, 4000], [])
    const md = issue18Markdown({ realBuilds: { rows, stages: { render: { '159 posts': 42 } } }, start })
    expect(md).toContain('| 159 | rebuild, nothing changed ms | Kumo | 3 | 100 | 200 | 300 |  | ≤ 300 | met |')
    expect(md).toContain('| 159 | npm start → first page ms | Kumo | 3 | 2000 | 2500 | 4000 |  | ≤ 3000 | met |')
    expect(md).toContain('| stage | 159 posts |\n| --- | --- |\n| render | 42 |')
  })
})
