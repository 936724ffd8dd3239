/**
 * Issue 18's figures as Markdown, for the README's "Performance" section:
 * `npm run bench` writes them to .kumo/bench/issue-18.md from what
 * latest.json holds of sections (i) and (j), so a re-run's figures are pasted,
 * not copied by hand.
 */

import type { Row } from './real-builds.ts'

const COLUMNS = ['posts', 'metric', 'tool', 'runs', 'min', 'median', 'max', 'vsHugo', 'target', 'met'] as const

/** A Markdown table; an absent cell is empty. */
export function markdownTable(header: readonly string[], rows: Array<Array<string | number | undefined>>): string {
  const line = (cells: Array<string | number | undefined>) => `| ${cells.map((c) => String(c ?? '').replaceAll('|', '\\|')).join(' | ')} |`
  return [line([...header]), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

interface Figures {
  date?: string
  machine?: { cpus?: number; model?: string; node?: string; hugo?: string }
  realBuilds?: { rows: Row[]; stages: Record<string, Record<string, number>> }
  start?: Row[]
}

/** The goals table (builds, then `npm start`) and the stage table; '' when neither section has run. */
export function issue18Markdown(report: Figures): string {
  const rows = [...(report.realBuilds?.rows ?? []), ...(report.start ?? [])]
  if (!rows.length) return ''
  const m = report.machine ?? {}
  const parts = [
    `Measured ${report.date ?? ''} on ${m.cpus ?? '?'} × ${m.model ?? '?'}, Node ${m.node ?? '?'}, Hugo ${m.hugo ?? 'not installed'}.`,
    '',
    markdownTable(COLUMNS, rows.map((r) => COLUMNS.map((c) => r[c]))),
  ]
  const stages = report.realBuilds?.stages
  if (stages) {
    const sizes = [...new Set(Object.values(stages).flatMap((s) => Object.keys(s)))]
    parts.push('', 'Kumo cold build, median ms of each stage:', '', markdownTable(['stage', ...sizes], Object.entries(stages).map(([stage, at]) => [stage, ...sizes.map((s) => at[s])])))
  }
  return `${parts.join('\n')}\n`
}
