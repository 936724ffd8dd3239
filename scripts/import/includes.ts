/**
 * `{% include name.html %}` of a file in the site's own `_includes/` that is
 * plain HTML (no Liquid in it, no parameters given) is written into the post
 * at import, as Jekyll inlines it on every build: a book banner or a sign-off
 * the writer kept in one place still shows in each post. Includes with
 * parameters or Liquid inside are left for liquid.ts, which removes them with
 * a note (their output depends on Jekyll's templates and data).
 */

import { readFile } from 'node:fs/promises'
import { join, normalize } from 'node:path'

const INCLUDE = /\{%-?\s*include\s+([\w./-]+)\s*-?%\}/g
const FENCE = /^ {0,3}(`{3,}|~{3,})/

/** The post's text with its plain-HTML includes written in, and the include files used. */
export async function inlineIncludes(text: string, siteDir: string): Promise<{ text: string; inlined: string[] }> {
  if (!text.includes('include')) return { text, inlined: [] }
  const names = new Set([...text.matchAll(INCLUDE)].map((m) => m[1]!))
  const bodies = new Map<string, string>()
  for (const name of names) {
    const rel = normalize(name)
    if (rel.startsWith('..')) continue
    const body = await readFile(join(siteDir, '_includes', rel), 'utf8').catch(() => undefined)
    if (body !== undefined && !body.includes('{%') && !body.includes('{{')) bodies.set(name, body.replace(/\n+$/, ''))
  }
  if (!bodies.size) return { text, inlined: [] }
  const inlined = new Set<string>()
  let fence: string | undefined
  let raw = false
  const lines = text.split('\n').map((line) => {
    const open = FENCE.exec(line)?.[1]
    if (fence) {
      if (open && open[0] === fence[0] && line.trim() === open) fence = undefined
      return line
    }
    if (open) fence = open
    // Inside {% raw %} an include is text the writer shows.
    const marks = [...line.matchAll(/\{%-?\s*(end)?raw\s*-?%\}/g)]
    const touched = raw || marks.length > 0
    if (marks.length) raw = !marks[marks.length - 1]![1]
    if (open || touched) return line
    return line.replace(INCLUDE, (whole, name: string) => {
      const body = bodies.get(name)
      if (body === undefined) return whole
      inlined.add(name)
      return body
    })
  })
  return { text: lines.join('\n'), inlined: [...inlined] }
}
