/**
 * Page audits in the browser suite, on every page kind of test/e2e/pages.ts:
 *
 * - Lighthouse 12 (npm `lighthouse`, the Node API) against Debian's Chromium,
 *   mobile (its default: Moto G Power, slow 4G, 4× CPU) and desktop. Fails on
 *   accessibility, best practices or SEO below 100: those do not depend on the
 *   machine. Performance does (a shared 2-core machine), so it is measured
 *   three times, reported as the median, written to .kumo/bench/lighthouse.json
 *   for `npm run bench`, and never asserted.
 * - The Nu HTML checker (npm `vnu-jar`, run with the system's Java): no error
 *   on any page. Every page here is made from Kumo's templates and the suite's
 *   own content, so any error is a template's.
 */

import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import * as chromeLauncher from 'chrome-launcher'
import lighthouse, { type Flags } from 'lighthouse'
import desktopConfig from 'lighthouse/core/config/desktop-config.js'
import { paths } from '../../scripts/project.ts'
import { AUDIT_PAGES } from './pages.ts'

type Check = (name: string, fn: () => Promise<void>, timeoutMs?: number) => Promise<void>
type Assert = (c: unknown, m: string) => asserts c

const require = createRequire(import.meta.url)
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium'
const RUNS = 3
const ASSERTED = ['accessibility', 'best-practices', 'seo'] as const
const FORMS = ['mobile', 'desktop'] as const

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

interface Scores {
  performance: number[]
  accessibility: number
  'best-practices': number
  seo: number
  /** Audits below full marks in the asserted categories, for the failure message. */
  failing: string[]
}

/**
 * One Lighthouse run. A run that Lighthouse itself reports as broken (`runtimeError`, a
 * category with no score: a page load the shared machine's load timed out) says nothing of
 * the page; it is run again, twice at most, and only then counts as a failure.
 */
async function lighthouseRun(url: string, flags: Flags, form: (typeof FORMS)[number]) {
  let problem = ''
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = await lighthouse(url, flags, form === 'desktop' ? desktopConfig : undefined)
    const lhr = result?.lhr
    const scored = lhr && Object.values(lhr.categories).every((c) => typeof c.score === 'number')
    if (lhr && !lhr.runtimeError && scored) return lhr
    problem = lhr?.runtimeError ? `${lhr.runtimeError.code}: ${lhr.runtimeError.message}` : 'a category without a score'
  }
  throw new Error(`lighthouse could not audit ${url} in 3 attempts (${problem})`)
}

async function audit(port: number, url: string, form: (typeof FORMS)[number]): Promise<Scores> {
  const scores: Scores = { performance: [], accessibility: 1, 'best-practices': 1, seo: 1, failing: [] }
  const flags: Flags = { port, output: 'json', logLevel: 'error' }
  for (let run = 0; run < RUNS; run++) {
    // The asserted categories once; performance alone on the later runs (they are the costly part).
    const onlyCategories = run === 0 ? ['performance', ...ASSERTED] : ['performance']
    const { categories, audits } = await lighthouseRun(url, { ...flags, onlyCategories }, form)
    scores.performance.push(Math.round((categories.performance?.score ?? 0) * 100))
    if (run > 0) continue
    for (const id of ASSERTED) {
      const category = categories[id]!
      scores[id] = category.score ?? 0
      for (const ref of category.auditRefs) {
        const a = audits[ref.id]!
        if (ref.weight > 0 && a.score !== null && a.score < 1) scores.failing.push(`${id}/${ref.id}: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`)
      }
    }
  }
  return scores
}

async function lighthouseChecks(origin: string, check: Check, assert: Assert): Promise<void> {
  const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] })
  const report: Record<string, Record<string, { performance: number; runs: number[] }>> = {}
  try {
    for (const form of FORMS) {
      for (const [name, path] of Object.entries(AUDIT_PAGES)) {
        await check(`lighthouse ${form} ${name} (${path}): accessibility, best practices, SEO 100`, async () => {
          const s = await audit(chrome.port, `${origin}${encodeURI(path)}`, form)
          const perf = median(s.performance)
          ;(report[form] ??= {})[name] = { performance: perf, runs: s.performance }
          console.log(`      performance ${perf} (runs ${s.performance.join(', ')}), a11y ${s.accessibility * 100}, best practices ${s['best-practices'] * 100}, SEO ${s.seo * 100}`)
          assert(ASSERTED.every((id) => s[id] === 1), s.failing.join('\n'))
        }, 300_000)
      }
    }
  } finally {
    await chrome.kill()
  }
  await mkdir(join(paths.root, '.kumo', 'bench'), { recursive: true })
  await writeFile(join(paths.root, '.kumo', 'bench', 'lighthouse.json'), `${JSON.stringify({ at: new Date().toISOString(), runs: RUNS, medians: report }, null, 1)}\n`)
}

interface NuMessage {
  type: string
  subType?: string
  url?: string
  lastLine?: number
  message: string
  extract?: string
}

async function nuChecks(origin: string, check: Check, assert: Assert): Promise<void> {
  await check('Nu HTML checker: no errors on any page kind', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kumo-vnu-'))
    try {
      const files: string[] = []
      for (const [name, path] of Object.entries({ ...AUDIT_PAGES, about: '/about/', categories: '/categories/', '404': '/no-such-page/' })) {
        const file = join(dir, `${name}.html`)
        await writeFile(file, await (await fetch(`${origin}${encodeURI(path)}`)).text())
        files.push(file)
      }
      const jar = require.resolve('vnu-jar/build/dist/vnu.jar')
      const { stderr } = await promisify(execFile)('java', ['-jar', jar, '--format', 'json', '--exit-zero-always', ...files], { maxBuffer: 16 * 1024 * 1024 })
      const messages = (JSON.parse(stderr) as { messages: NuMessage[] }).messages
      const errors = messages.filter((m) => m.type === 'error' || m.subType === 'fatal')
      const where = (m: NuMessage) => `${m.url?.split('/').pop()}:${m.lastLine}: ${m.message}${m.extract ? ` [${m.extract.trim().slice(0, 80)}]` : ''}`
      console.log(`      ${files.length} pages, ${errors.length} errors, ${messages.length - errors.length} warnings/info`)
      assert(errors.length === 0, errors.slice(0, 15).map(where).join('\n'))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
}

export async function auditChecks(origin: string, check: Check, assert: Assert): Promise<void> {
  console.log('audits: Nu HTML checker, Lighthouse')
  await nuChecks(origin, check, assert)
  await lighthouseChecks(origin, check, assert)
}
