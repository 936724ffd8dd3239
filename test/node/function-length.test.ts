/**
 * Functions stay small (the team's standard, about 60 lines, as in Hono): this
 * test parses every module under src/ and scripts/ with the TypeScript
 * compiler and fails on a function, method or arrow function longer than
 * MAX_LINES that does not say why in a `// long: <reason>` comment just above
 * it (or on its first line). A function's length counts the functions nested
 * in it: a reader has to hold all of it at once.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MAX_LINES = 60
const REASON = /\/\/\s*long:\s*\S/

async function modules(dir: string): Promise<string[]> {
  const names = await readdir(join(ROOT, dir), { recursive: true })
  return names.filter((n) => /\.tsx?$/.test(n) && !n.endsWith('.d.ts')).map((n) => `${dir}/${n.split(sep).join('/')}`)
}

/** The statement a function's comment sits above: its own declaration, or the `const x =` / property it is the value of. */
function anchorOf(node: ts.Node): ts.Node {
  let at = node
  while (ts.isVariableDeclaration(at.parent) || ts.isVariableDeclarationList(at.parent) || ts.isVariableStatement(at.parent) || ts.isPropertyAssignment(at.parent) || ts.isExportAssignment(at.parent)) at = at.parent
  return at
}

/** Functions over MAX_LINES in `file` without a reason, as `file:line name (n lines)`. */
export function longFunctions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS)
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line
  const found: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = lineOf(node.getStart(source))
      const lines = lineOf(node.getEnd()) - start + 1
      const anchor = anchorOf(node)
      const above = text.slice(anchor.getFullStart(), anchor.getStart(source))
      const firstLine = text.split('\n')[start] ?? ''
      if (lines > MAX_LINES && !REASON.test(above) && !REASON.test(firstLine)) {
        const name = node.name?.getText(source) ?? (ts.isVariableDeclaration(node.parent) ? node.parent.name.getText(source) : '(anonymous)')
        found.push(`${file}:${start + 1} ${name} (${lines} lines)`)
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

describe('function length', () => {
  it(`no function in src/ or scripts/ is over ${MAX_LINES} lines without a \`// long:\` reason`, async () => {
    const found: string[] = []
    for (const file of [...(await modules('src')), ...(await modules('scripts'))]) found.push(...longFunctions(file, await readFile(join(ROOT, file), 'utf8')))
    expect(found).toEqual([])
  })

  it('counts a long function, and takes a reason above it or on its first line', () => {
    const body = Array.from({ length: MAX_LINES }, (_, i) => `  const v${i} = ${i}`).join('\n')
    expect(longFunctions('a.ts', `function big() {\n${body}\n}\n`)).toEqual([`a.ts:1 big (${MAX_LINES + 2} lines)`])
    expect(longFunctions('a.ts', `const big = () => {\n${body}\n}\n`)).toEqual([`a.ts:1 big (${MAX_LINES + 2} lines)`])
    expect(longFunctions('a.ts', `// long: one table, read top to bottom\nexport const big = () => {\n${body}\n}\n`)).toEqual([])
    expect(longFunctions('a.ts', `function big() { // long: one table\n${body}\n}\n`)).toEqual([])
    expect(longFunctions('a.ts', `function small() {\n  return 1\n}\n`)).toEqual([])
  })
})
