/**
 * README.md's "Layout of this repository" lists every file and folder of the
 * top two levels, one a line: this test compares that list with the tree (the
 * files git tracks, and new ones it does not ignore), both ways, so the
 * section cannot fall behind a new folder or keep one that is gone.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

/** The paths the section's code block names: the first word of each line that does not start with a space. */
export function listedPaths(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Layout of this repository'))
  const block = /```\n([\s\S]*?)\n```/.exec(section)?.[1] ?? ''
  return block
    .split('\n')
    .filter((line) => line && !line.startsWith(' '))
    .map((line) => line.split(/\s/)[0]!)
}

/** Files and folders (with a trailing `/`) at depth one and two of a list of file paths. */
export function topTwoLevels(files: string[]): string[] {
  const out = new Set<string>()
  for (const file of files) {
    const parts = file.split('/')
    out.add(parts.length > 1 ? `${parts[0]}/` : parts[0]!)
    if (parts.length > 1) out.add(parts.length > 2 ? `${parts[0]}/${parts[1]}/` : `${parts[0]}/${parts[1]}`)
  }
  return [...out]
}

describe('README layout', () => {
  it('lists exactly the files and folders of the top two levels', () => {
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean)
    // A file deleted in the working tree but not yet from the index is not in the tree.
    const deleted = new Set(execFileSync('git', ['ls-files', '--deleted'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean))
    const tree = topTwoLevels(files.filter((f) => !deleted.has(f))).sort()
    const listed = listedPaths(readFileSync(`${ROOT}README.md`, 'utf8'))
    expect(listed.filter((p, i) => listed.indexOf(p) !== i), 'listed twice').toEqual([])
    expect({ missing: tree.filter((p) => !listed.includes(p)), stale: listed.filter((p) => !tree.includes(p)) }).toEqual({ missing: [], stale: [] })
  })

  it('reads the list the way the section writes it', () => {
    expect(topTwoLevels(['a.ts', 'src/x.ts', 'src/views/y.tsx', 'src/views/z/w.ts'])).toEqual(['a.ts', 'src/', 'src/x.ts', 'src/views/'])
    expect(listedPaths('## Layout of this repository\n\n```\nsrc/        the worker\nsrc/x.ts     one\n             more words\n```\n')).toEqual(['src/', 'src/x.ts'])
  })
})
