/**
 * A Jekyll site's `_config.yml` as Jekyll 4.3 reads it: the file itself,
 * front-matter `defaults:` (Jekyll::FrontmatterDefaults) and the entry filter
 * that decides which files Jekyll reads at all (Jekyll::EntryFilter:
 * `exclude:`, `include:`, and names starting with `.`, `_`, `#` or ending `~`).
 */

import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import yaml from 'js-yaml'
import { LIMITS, yamlWithinLimit } from '../pipeline/limits.ts'
import { ImportError } from './errors.ts'

export type JekyllConfig = Record<string, unknown>

/** Jekyll 4.3's DEFAULT_EXCLUDES, added to whatever the site excludes. */
const DEFAULT_EXCLUDES = ['.sass-cache', '.jekyll-cache', 'gemfiles', 'Gemfile', 'Gemfile.lock', 'node_modules', 'vendor/bundle/', 'vendor/cache/', 'vendor/gems/', 'vendor/ruby/']

/** Reads `_config.yml` (or `_config.yaml`), or says in one line why it cannot. */
export async function readConfig(site: string): Promise<{ config: JekyllConfig; file: string }> {
  for (const file of ['_config.yml', '_config.yaml']) {
    let text: string
    try {
      text = await readFile(join(site, file), 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') continue
      if (code === 'ENOTDIR') break
      throw new ImportError(`${join(site, file)}: cannot be read (${code}); check its permissions`)
    }
    // Bounded before use: the file's size, then what its aliases expand to (an alias bomb is small on disk).
    if (Buffer.byteLength(text) > LIMITS.configBytes) throw new ImportError(`${join(site, file)}: is over ${LIMITS.configBytes / 1048576} MiB, more than any site's settings; remove what is not a setting`)
    try {
      // Jekyll reads _config.yml with safe YAML: the types of YAML 1.1 (dates, sets), none of js-yaml's JavaScript ones (!!js/function).
      const config = yaml.load(text, { schema: yaml.DEFAULT_SAFE_SCHEMA }) ?? {}
      if (!yamlWithinLimit(config)) throw new ImportError(`${join(site, file)}: its YAML aliases (\`*name\`) expand to over ${LIMITS.yamlNodes} values; write the values out`)
      if (typeof config !== 'object' || Array.isArray(config)) throw new ImportError(`${join(site, file)}: is not a set of \`key: value\` settings; fix it so \`jekyll build\` accepts it`)
      return { config: config as JekyllConfig, file }
    } catch (error) {
      if (error instanceof ImportError) throw error
      const e = error as { reason?: string; mark?: { line: number } }
      const line = e.mark ? `:${e.mark.line + 1}` : ''
      throw new ImportError(`${join(site, file)}${line}: not valid YAML (${e.reason ?? String(error)}); fix it so \`jekyll build\` accepts it`)
    }
  }
  throw new ImportError(`${site}: no _config.yml, so this is not a Jekyll site; point the importer at the folder that holds _config.yml and _posts/`)
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? [v] : [])

/** Ruby's File.fnmatch without FNM_PATHNAME: `*` and `?` cross `/`, `[…]` is a class. */
function fnmatch(pattern: string, path: string): boolean {
  let re = ''
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!
    if (c === '*') re += '.*'
    else if (c === '?') re += '.'
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0) re += '\\['
      else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`
        i = end
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`, 's').test(path)
}

/** EntryFilter#glob_include?: a pattern matches by fnmatch, or as a prefix (so `docs` excludes `docs/a.md`). */
function globInclude(patterns: string[], entry: string, isDir: boolean): boolean {
  return patterns.some((p) => {
    const pattern = p.replace(/^\/+/, '')
    return fnmatch(pattern, entry) || entry.startsWith(pattern) || (isDir && pattern === `${entry}/`)
  })
}

export class EntryFilter {
  private readonly exclude: string[]
  private readonly include: string[]

  constructor(config: JekyllConfig) {
    this.include = [...list(config.include), '.htaccess']
    this.exclude = [...list(config.exclude), ...DEFAULT_EXCLUDES].filter((p) => !this.include.includes(p))
  }

  /** Whether Jekyll reads the entry at `rel` (a path from the site root), as EntryFilter#filter decides. */
  keeps(rel: string, isDir: boolean): boolean {
    const name = rel.slice(rel.lastIndexOf('/') + 1)
    if (name === '.' || name === '..' || name.endsWith('.')) return false
    const included = globInclude(this.include, rel, isDir) || globInclude(this.include, name, isDir)
    if (globInclude(this.exclude, rel, isDir) && !included) return false
    if (included) return true
    return !/^[._#~]/.test(name) && !name.endsWith('~')
  }

  /** The same test for a name inside `_posts/`, `_drafts/` or a collection (relative to it). */
  keepsInside(rel: string): boolean {
    return rel.split('/').every((part) => !/^[._#~]/.test(part) && !part.endsWith('~'))
  }
}

interface DefaultRule {
  path: string
  type?: string
  values: Record<string, unknown>
}

/**
 * Front-matter defaults (Jekyll::FrontmatterDefaults#all): every rule whose
 * scope matches, the more specific path winning, then the file's own front matter.
 */
export class FrontMatterDefaults {
  private readonly rules: DefaultRule[]

  constructor(config: JekyllConfig) {
    const raw = Array.isArray(config.defaults) ? (config.defaults as Array<{ scope?: { path?: unknown; type?: unknown }; values?: unknown }>) : []
    this.rules = raw
      .filter((d) => d && typeof d.values === 'object' && d.values !== null)
      .map((d) => ({ path: typeof d.scope?.path === 'string' ? d.scope.path.replace(/^\/+|\/+$/g, '') : '', type: typeof d.scope?.type === 'string' ? d.scope.type : undefined, values: d.values as Record<string, unknown> }))
  }

  /** Values for a file at `rel` of a `type` (posts, pages, drafts or a collection name). */
  valuesFor(rel: string, type: string): Record<string, unknown> {
    const matching = this.rules
      .filter((r) => (r.type === undefined || r.type === type || (type === 'drafts' && r.type === 'posts')) && this.pathMatches(r.path, rel))
      .sort((a, b) => a.path.split('/').length - b.path.split('/').length || (a.type ? 1 : 0) - (b.type ? 1 : 0))
    return Object.assign({}, ...matching.map((r) => r.values)) as Record<string, unknown>
  }

  private pathMatches(scope: string, rel: string): boolean {
    if (scope === '') return true
    if (scope.includes('*')) return fnmatch(scope, rel) || fnmatch(`${scope}/*`, rel)
    return rel === scope || rel.startsWith(`${scope}/`)
  }
}
