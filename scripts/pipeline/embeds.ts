/**
 * What one page's own HTML needs from its Content-Security-Policy, computed at
 * build time: the https origins of the scripts and frames its author embedded
 * (a gist's `<script src>`, a YouTube or Bilibili `<iframe>`), and whether any
 * element carries a `style` attribute. The worker widens that page's policy by
 * exactly these (`pageCsp` in src/shared/headers.ts); a page without any keeps
 * the strict policy.
 *
 * Style attributes get `style-src-attr 'unsafe-inline'` on the pages that have
 * them, rather than hashes: hashing an attribute needs `'unsafe-hashes'`
 * (no better supported than `style-src-attr`), and moving each one into a
 * hashed `<style>` rule would lose to the stylesheet's own selectors, which an
 * inline style outranks. An attribute cannot run script, and every one comes
 * from the writer's own files, never from a reader.
 */

import { parseFragment, type DefaultTreeAdapterMap } from 'parse5'
import type { CspSources } from '../../src/shared/headers.ts'

type Node = DefaultTreeAdapterMap['node']
type Element = DefaultTreeAdapterMap['element']

/** Origins a well-known embed loads beyond its own script: a gist writes a stylesheet link to GitHub's assets host. */
const ALSO_NEEDS: Record<string, CspSources> = {
  'https://gist.github.com': { style: ['https://github.githubassets.com'] },
}

function httpsOrigin(url: string | undefined): string | undefined {
  if (!url) return undefined
  try {
    const u = new URL(url.startsWith('//') ? `https:${url}` : url)
    return u.protocol === 'https:' ? u.origin : undefined
  } catch {
    return undefined
  }
}

/** The CSP additions a page's HTML needs; `{}` when it embeds nothing and styles nothing inline. */
export function cspSourcesOf(html: string): CspSources {
  if (!/<(script|iframe)\b|\sstyle\s*=/i.test(html)) return {}
  const script = new Set<string>()
  const frame = new Set<string>()
  const style = new Set<string>()
  let styleAttributes = false
  const visit = (n: Node) => {
    if (!('tagName' in n)) return
    const el = n as Element
    const get = (name: string) => el.attrs.find((a) => a.name === name)?.value
    if (el.attrs.some((a) => a.name === 'style' && a.value.trim() !== '')) styleAttributes = true
    const origin = el.tagName === 'script' || el.tagName === 'iframe' ? httpsOrigin(get('src')) : undefined
    if (origin && el.tagName === 'script') {
      script.add(origin)
      for (const o of ALSO_NEEDS[origin]?.style ?? []) style.add(o)
    } else if (origin) frame.add(origin)
    for (const c of el.childNodes) visit(c)
  }
  for (const c of (parseFragment(html) as unknown as { childNodes: Node[] }).childNodes) visit(c)
  const out: CspSources = {}
  if (script.size) out.script = [...script].sort()
  if (frame.size) out.frame = [...frame].sort()
  if (style.size) out.style = [...style].sort()
  if (styleAttributes) out.styleAttributes = true
  return out
}

/** True when a page needs nothing beyond the strict policy. */
export const isStrict = (s: CspSources) => Object.keys(s).length === 0
