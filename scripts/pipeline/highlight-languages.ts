/**
 * highlight.js's languages loaded one by one, as code blocks ask for them:
 * its full bundle registers all 193 in every process and render worker
 * (~0.1–0.3 s at start-up), while a blog uses a handful. `hljsLanguage`
 * resolves a name as the full bundle's `getLanguage` does (the table below is
 * the bundle's own, checked against it by test/node/highlight.test.ts) and
 * registers the language, with every language its modes embed
 * (`subLanguage`), before anything is highlighted with it, so the HTML is the
 * full bundle's. A mode that auto-detects among all languages (`subLanguage:
 * []`, HTTP bodies) needs them all, in the bundle's order (it breaks ties of
 * relevance), so such a language is highlighted by the full bundle itself.
 */

import { createRequire } from 'node:module'
import core from 'highlight.js/lib/core'
import type { HLJSApi, LanguageFn } from 'highlight.js'

const require = createRequire(import.meta.url)
/** Its own instance: the bundle (when loaded) registers everything on the module's shared one. */
const hljs = core.newInstance()

// highlight.js 11.12.0: its languages (file names under lib/languages/) and aliases, as its full bundle resolves them.
export const LANGUAGES: ReadonlySet<string> = new Set([
  '1c', 'abnf', 'accesslog', 'actionscript', 'ada', 'angelscript', 'apache', 'applescript', 'arcade', 'arduino',
  'armasm', 'asciidoc', 'aspectj', 'autohotkey', 'autoit', 'avrasm', 'awk', 'axapta', 'bash', 'basic', 'bnf',
  'brainfuck', 'c', 'cal', 'capnproto', 'ceylon', 'clean', 'clojure', 'clojure-repl', 'cmake', 'coffeescript', 'coq',
  'cos', 'cpp', 'crmsh', 'crystal', 'csharp', 'csp', 'css', 'd', 'dart', 'delphi', 'diff', 'django', 'dns',
  'dockerfile', 'dos', 'dsconfig', 'dts', 'dust', 'ebnf', 'elixir', 'elm', 'erb', 'erlang', 'erlang-repl', 'excel',
  'fix', 'flix', 'fortran', 'freedesktop', 'fsharp', 'gams', 'gauss', 'gcode', 'gherkin', 'glsl', 'gml', 'go', 'golo',
  'gradle', 'graphql', 'groovy', 'haml', 'handlebars', 'haskell', 'haxe', 'hsp', 'http', 'hy', 'inform7', 'ini',
  'irpf90', 'isbl', 'java', 'javascript', 'jboss-cli', 'json', 'julia', 'julia-repl', 'kotlin', 'lasso', 'latex',
  'ldif', 'leaf', 'less', 'lisp', 'livecodeserver', 'livescript', 'llvm', 'lsl', 'lua', 'makefile', 'markdown',
  'mathematica', 'matlab', 'maxima', 'mel', 'mercury', 'mipsasm', 'mizar', 'mojolicious', 'monkey', 'moonscript',
  'n1ql', 'nestedtext', 'nginx', 'nim', 'nix', 'node-repl', 'nsis', 'objectivec', 'ocaml', 'openscad', 'oxygene',
  'parser3', 'perl', 'pf', 'pgsql', 'php', 'php-template', 'plaintext', 'pony', 'powershell', 'processing', 'profile',
  'prolog', 'properties', 'protobuf', 'puppet', 'purebasic', 'python', 'python-repl', 'q', 'qml', 'r', 'reasonml',
  'rib', 'roboconf', 'routeros', 'rsl', 'ruby', 'ruleslanguage', 'rust', 'sas', 'scala', 'scheme', 'scilab', 'scss',
  'shell', 'smali', 'smalltalk', 'sml', 'sqf', 'sql', 'stan', 'stata', 'step21', 'stylus', 'subunit', 'swift',
  'taggerscript', 'tap', 'tcl', 'thrift', 'tp', 'twig', 'typescript', 'vala', 'vbnet', 'vbscript', 'vbscript-html',
  'verilog', 'vhdl', 'vim', 'wasm', 'wren', 'x86asm', 'xl', 'xml', 'xquery', 'yaml', 'zephir',
])

export const LANGUAGE_ALIASES: Readonly<Record<string, string>> = {
  ado: 'stata', adoc: 'asciidoc', ahk: 'autohotkey', apacheconf: 'apache', arm: 'armasm', as: 'actionscript',
  asc: 'angelscript', atom: 'xml', bat: 'dos', batch: 'dos', bf: 'brainfuck', bind: 'dns', 'c#': 'csharp',
  'c++': 'cpp', capnp: 'capnproto', cc: 'cpp', cjs: 'javascript', clj: 'clojure', cls: 'cos', 'cmake.in': 'cmake',
  cmd: 'dos', coffee: 'coffeescript', console: 'shell', cr: 'crystal', craftcms: 'twig', crm: 'crmsh', cs: 'csharp',
  cson: 'coffeescript', cts: 'typescript', cxx: 'cpp', dcl: 'clean', desktop: 'freedesktop', dfm: 'delphi',
  do: 'stata', docker: 'dockerfile', dpr: 'delphi', dst: 'dust', edn: 'clojure', erl: 'erlang', ex: 'elixir',
  exs: 'elixir', 'f#': 'fsharp', f90: 'fortran', f95: 'fortran', feature: 'gherkin', fs: 'fsharp', gemspec: 'ruby',
  gms: 'gams', golang: 'go', gql: 'graphql', graph: 'roboconf', gss: 'gauss', gyp: 'python', h: 'c', 'h++': 'cpp',
  hbs: 'handlebars', hh: 'cpp', hpp: 'cpp', hs: 'haskell', html: 'xml', 'html.handlebars': 'handlebars',
  'html.hbs': 'handlebars', htmlbars: 'handlebars', https: 'http', hx: 'haxe', hxx: 'cpp', hylang: 'hy',
  i7: 'inform7', iced: 'coffeescript', icl: 'clean', ino: 'arduino', instances: 'roboconf', ipython: 'python',
  irb: 'ruby', jinja: 'django', jldoctest: 'julia-repl', js: 'javascript', json5: 'json', jsonc: 'json', jsp: 'java',
  jsx: 'javascript', k: 'q', kdb: 'q', kt: 'kotlin', ktm: 'kotlin', kts: 'kotlin', ktx: 'kotlin',
  lassoscript: 'lasso', ls: 'livescript', m: 'mercury', mak: 'makefile', make: 'makefile', md: 'markdown',
  mikrotik: 'routeros', mips: 'mipsasm', mjs: 'javascript', mk: 'makefile', mkd: 'markdown', mkdown: 'markdown',
  ml: 'sml', mm: 'objectivec', mma: 'mathematica', moo: 'mercury', moon: 'moonscript', mts: 'typescript', nc: 'gcode',
  nginxconf: 'nginx', nixos: 'nix', nt: 'nestedtext', 'obj-c': 'objectivec', 'obj-c++': 'objectivec',
  objc: 'objectivec', 'objective-c++': 'objectivec', osascript: 'applescript', p21: 'step21', pas: 'delphi',
  pascal: 'delphi', patch: 'diff', pb: 'purebasic', pbi: 'purebasic', pcmk: 'crmsh', pde: 'processing',
  'pf.conf': 'pf', pl: 'perl', plist: 'xml', pluto: 'lua', pm: 'perl', podspec: 'ruby', postgres: 'pgsql',
  postgresql: 'pgsql', pp: 'puppet', proto: 'protobuf', ps: 'powershell', ps1: 'powershell', pwsh: 'powershell',
  py: 'python', pycon: 'python-repl', qt: 'qml', rb: 'ruby', re: 'reasonml', rs: 'rust', rss: 'xml', scad: 'openscad',
  sci: 'scilab', scm: 'scheme', sh: 'bash', shellsession: 'shell', st: 'smalltalk', stanfuncs: 'stan', step: 'step21',
  stp: 'step21', styl: 'stylus', sv: 'verilog', svg: 'xml', svh: 'verilog', systemd: 'freedesktop', tao: 'xl',
  tex: 'latex', text: 'plaintext', thor: 'ruby', tk: 'tcl', toml: 'ini', ts: 'typescript', tsx: 'typescript',
  txt: 'plaintext', v: 'verilog', vb: 'vbnet', vbs: 'vbscript', 'wildfly-cli': 'jboss-cli', wl: 'mathematica',
  wsf: 'xml', 'x++': 'axapta', xhtml: 'xml', xjb: 'xml', xls: 'excel', xlsx: 'excel', xpath: 'xquery', xq: 'xquery',
  xqm: 'xquery', xsd: 'xml', xsl: 'xml', yml: 'yaml', zep: 'zephir', zone: 'dns', zsh: 'bash',
}

/** The canonical name of a language or alias as the full bundle knows it (case-insensitive), or ''. */
export function canonicalLanguage(name: string): string {
  const lower = name.toLowerCase()
  return LANGUAGES.has(lower) ? lower : (LANGUAGE_ALIASES[lower] ?? '')
}

/** The `subLanguage` names anywhere in a language's modes; `all` when one auto-detects among every language. */
function subLanguages(mode: unknown, found: Set<string>, seen = new Set<object>()): Set<string> {
  if (typeof mode !== 'object' || mode === null || seen.has(mode)) return found
  seen.add(mode)
  const sub = (mode as { subLanguage?: unknown }).subLanguage
  if (typeof sub === 'string') found.add(sub)
  else if (Array.isArray(sub)) for (const s of sub.length ? sub : [ALL]) found.add(String(s))
  for (const value of Object.values(mode)) subLanguages(value, found, seen)
  return found
}
const ALL = ' all'

/** Each registered language → the canonical names of the languages it embeds (ALL included). */
const embeds = new Map<string, Set<string>>()

/** Registers `name` (canonical) and what it embeds, once. */
function register(name: string): void {
  if (embeds.has(name)) return
  hljs.registerLanguage(name, require(`highlight.js/lib/languages/${name}`) as LanguageFn)
  const subs = new Set([...subLanguages(hljs.getLanguage(name), new Set())].map((sub) => (sub === ALL ? ALL : canonicalLanguage(sub))).filter(Boolean))
  embeds.set(name, subs)
  for (const sub of subs) if (sub !== ALL) register(sub)
}

/** Whether `name` (registered) auto-detects among every language, itself or through what it embeds. */
function embedsAll(name: string, seen = new Set<string>()): boolean {
  if (seen.has(name)) return false
  seen.add(name)
  for (const sub of embeds.get(name) ?? []) if (sub === ALL || embedsAll(sub, seen)) return true
  return false
}

/** What highlights code in `name`: highlight.js and the language's canonical name; undefined if it knows none. */
export function hljsFor(name: string): { hljs: HLJSApi; language: string } | undefined {
  const language = canonicalLanguage(name)
  if (!language) return undefined
  register(language)
  return embedsAll(language) ? { hljs: require('highlight.js') as HLJSApi, language } : { hljs, language }
}
