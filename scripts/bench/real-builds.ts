/**
 * (i) Issue 18's build goals, on the real-shaped corpus (corpus.ts, shape
 * `real`) at each size, each measured `runs` times:
 *
 *   - Kumo's cold build (an empty work folder: no cache, no dist/) as a new
 *     process, `node scripts/run.mjs build`, so Node's start is counted: it is
 *     what the writer waits for;
 *   - Hugo's cold build of the same posts (hugo.ts), alternating with Kumo's,
 *     so both see the same load on a shared machine;
 *   - Kumo's rebuild in a new process with the cache the cold build left:
 *     nothing changed, then one post edited (a different edit each run);
 *   - the peak RSS of each cold build, from GNU time (`/usr/bin/time -f %M`,
 *     Debian's package `time`) when it is installed.
 *
 * The stage times of the cold builds come from the summary.json each one
 * writes (scripts/pipeline/stages.ts).
 */

import { execFile } from 'node:child_process'
import { access, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { BuildSummary } from '../pipeline/index.ts'
import { paths } from '../project.ts'
import { generateCorpus } from './corpus.ts'
import { hugoArgs, hugoSite, hugoVersion } from './hugo.ts'
import { goalFor, medians, metText, spread, verdict } from './stats.ts'

const run = promisify(execFile)
const GNU_TIME = '/usr/bin/time'

interface Run {
  ms: number
  rssMiB?: number
}

export interface SizeRuns {
  posts: number
  kumoCold: Run[]
  hugoCold: Run[]
  rebuildUnchanged: Run[]
  rebuildEdited: Run[]
  /** Per cold run: ms of each pipeline stage. */
  stages: Array<Record<string, number>>
}

/** Runs a command to its end: wall ms, and peak RSS when GNU time can tell it. A failure is one line naming the command. */
async function measured(command: string, args: string[], rssFile: string | undefined): Promise<Run> {
  const [file, argv] = rssFile ? [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]] : [command, args]
  const t0 = performance.now()
  try {
    await run(file, argv, { cwd: paths.root, maxBuffer: 64 << 20 })
  } catch (error) {
    const why = String((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0]
    throw new Error(`${command} ${args.slice(0, 2).join(' ')} failed: ${why}`)
  }
  const ms = performance.now() - t0
  if (!rssFile) return { ms }
  // GNU time puts "Command exited with…" first on failure; the figure is its last line.
  return { ms, rssMiB: Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1)) / 1024 }
}

export const hasGnuTime = (): Promise<boolean> => access(GNU_TIME).then(() => true, () => false)

/** One size: the corpus, Kumo's and Hugo's cold builds in turn, then Kumo's rebuilds. */
export async function sizeRuns(root: string, posts: number, runs: number, hugo: boolean, gnuTime: boolean): Promise<SizeRuns> {
  const corpus = join(root, `real-${posts}`)
  const work = join(root, `real-${posts}-work`)
  const site = join(root, `real-${posts}-hugo`)
  const rss = gnuTime ? join(root, 'rss') : undefined
  await generateCorpus(corpus, posts, 42, { real: true })
  if (hugo) await hugoSite(corpus, site, 'Asia/Shanghai')
  const kumo = () => measured(process.execPath, [join(paths.root, 'scripts', 'run.mjs'), 'build', '--content', corpus, '--work', work, '--quiet'], rss)
  const out: SizeRuns = { posts, kumoCold: [], hugoCold: [], rebuildUnchanged: [], rebuildEdited: [], stages: [] }
  try {
    for (let i = 0; i < runs; i++) {
      await rm(work, { recursive: true, force: true })
      out.kumoCold.push(await kumo())
      out.stages.push((JSON.parse(await readFile(join(work, 'dist', 'summary.json'), 'utf8')) as BuildSummary).stages)
      if (!hugo) continue
      await rm(join(site, 'public'), { recursive: true, force: true })
      out.hugoCold.push(await measured('hugo', hugoArgs(site, join(site, 'public')), rss))
    }
    for (let i = 0; i < runs; i++) out.rebuildUnchanged.push(await kumo())
    const names = (await readdir(join(corpus, 'posts'))).sort()
    const victim = join(corpus, 'posts', names[names.length >> 1]!)
    const original = await readFile(victim, 'utf8')
    for (let i = 0; i < runs; i++) {
      await writeFile(victim, `${original}\nEdit ${i}, made by the benchmark.\n`)
      out.rebuildEdited.push(await kumo())
    }
    return out
  } finally {
    for (const dir of [corpus, work, site]) await rm(dir, { recursive: true, force: true })
  }
}

export interface Row {
  posts: number
  metric: string
  tool: string
  runs: number
  min: number
  median: number
  max: number
  /** Kumo's median over Hugo's. */
  vsHugo?: number
  target?: string
  met?: string
}

/** One metric's rows: Kumo's, judged against its goal, and Hugo's beside it when measured. */
export function metricRows(posts: number, metric: string, kumo: number[], hugo: number[]): Row[] {
  const k = spread(kumo)
  const h = hugo.length ? spread(hugo) : undefined
  const goal = goalFor(metric, posts)
  const judged = goal ? verdict(goal, k.median, h?.median) : undefined
  const row: Row = { posts, metric, tool: 'Kumo', ...k }
  if (h) row.vsHugo = Math.round((k.median / h.median) * 100) / 100
  if (judged) Object.assign(row, { target: judged.target, met: metText(judged.met) })
  return h ? [row, { posts, metric, tool: `Hugo`, ...h }] : [row]
}

/** The table of one size's runs. */
export function sizeRows(r: SizeRuns): Row[] {
  const ms = (runs: Run[]) => runs.map((x) => x.ms)
  const rss = (runs: Run[]) => runs.flatMap((x) => (x.rssMiB === undefined ? [] : [x.rssMiB]))
  const rows = [...metricRows(r.posts, 'cold build ms', ms(r.kumoCold), ms(r.hugoCold))]
  if (rss(r.kumoCold).length) rows.push(...metricRows(r.posts, 'cold build peak RSS MiB', rss(r.kumoCold), rss(r.hugoCold)))
  rows.push(...metricRows(r.posts, 'rebuild, nothing changed ms', ms(r.rebuildUnchanged), []))
  rows.push(...metricRows(r.posts, 'rebuild, one post edited ms', ms(r.rebuildEdited), []))
  return rows
}

/**
 * Stage → median ms at each size, and what the process took beyond the
 * pipeline's stages (Node's start, loading the bundle, the last writes, exit).
 */
export function stageTable(sizes: SizeRuns[]): Record<string, Record<string, number>> {
  const table: Record<string, Record<string, number>> = {}
  for (const r of sizes) {
    const stages = medians(r.stages)
    for (const [stage, ms] of Object.entries(stages)) (table[stage] ??= {})[`${r.posts} posts`] = ms
    // Per run, then the median: medians of the stages and of the wall come from different runs.
    const outside = r.kumoCold.map((x, i) => x.ms - Object.values(r.stages[i] ?? {}).reduce((a, b) => a + b, 0))
    ;(table['outside the stages'] ??= {})[`${r.posts} posts`] = spread(outside).median
  }
  return table
}

/** One untimed build of a small corpus, so run.mjs has bundled the build command before anything is timed. */
async function warmUp(root: string): Promise<void> {
  const corpus = join(root, 'warm-up')
  await generateCorpus(corpus, 10, 7, { real: true })
  await measured(process.execPath, [join(paths.root, 'scripts', 'run.mjs'), 'build', '--content', corpus, '--work', join(root, 'warm-up-work'), '--quiet'], undefined)
  for (const dir of [corpus, join(root, 'warm-up-work')]) await rm(dir, { recursive: true, force: true })
}

/** (i): every size in turn (a 10,000-post build holds a lot in memory: one at a time), then the two tables. */
export async function realBuildSection(root: string, sizes: number[], runs: number) {
  const hugo = (await hugoVersion()) !== undefined
  if (!hugo) console.log('\n(i) Hugo is not installed (no `hugo` on PATH): its rows are left out, goals against it are n/a')
  const gnuTime = await hasGnuTime()
  if (!gnuTime) console.log(`\n(i) no ${GNU_TIME} (Debian package \`time\`): peak memory is not measured`)
  await warmUp(root)
  const all: SizeRuns[] = []
  for (const posts of sizes) {
    console.log(`(i) ${posts} posts of real shape: ${runs} cold builds each of Kumo${hugo ? ' and Hugo' : ''}, then ${runs} + ${runs} rebuilds`)
    all.push(await sizeRuns(root, posts, runs, hugo, gnuTime))
    // A line per size as it ends, so a long run shows where it stands.
    console.log(`    medians: ${sizeRows(all.at(-1)!).map((r) => `${r.tool} ${r.metric} ${r.median}`).join(', ')}`)
  }
  const rows = all.flatMap(sizeRows)
  console.log(`\n(i) builds on the real-shaped corpus, each a new process (ms, MiB; median judged against issue 18's goal; vsHugo = Kumo / Hugo)`)
  console.table(rows)
  const stages = stageTable(all)
  console.log('\n(i) Kumo cold build, median ms of each pipeline stage (scripts/pipeline/stages.ts)')
  console.table(stages)
  return { rows, stages, runs: all }
}
