/**
 * marked continues a paragraph by appending to its token: `raw += (raw.endsWith('\n')
 * ? '' : '\n') + piece`, at every line a block tokenizer tried and declined (a fence
 * with no closer, a comment kramdown reads as text, `1.` below a line). V8 keeps `+=`
 * as a rope, and `endsWith` flattens it: each continued line copied the whole
 * paragraph so far, quadratic in its length (40,000 `text` / `<!-- c -->` lines:
 * 15 s). So before each step of the block loop (marked sets `state.lastToken` to
 * the last token there) a long paragraph's raw is cut to its last line, the rest held
 * aside, and joined back once when that `blockTokens` call returns: marked appends to
 * a short string, and every token is whole again before anything reads it after lexing.
 *
 * While a call runs, a long paragraph's raw is thus its last line on (kramdown-blocks.ts
 * joinsParagraph reads that line; nothing reads more of a paragraph mid-lex).
 */

import type { Lexer, Token } from 'marked'

/** Below this a paragraph is left alone: the copy it costs is small. */
const HOLD_FROM = 512

export function holdParagraphTails(lexer: Lexer): void {
  const frames: Array<Map<Token, string[]>> = []
  let last: Token | undefined
  Object.defineProperty(lexer.state, 'lastToken', {
    configurable: true,
    enumerable: true,
    get: () => last,
    set(token: Token | undefined) {
      last = token
      const held = frames.at(-1)
      if (held && token && (token.type === 'paragraph' || token.type === 'text') && token.raw.length > HOLD_FROM) hold(token, held)
    },
  })
  const original = lexer.blockTokens.bind(lexer) as (src: string, tokens?: unknown[], clipped?: boolean) => unknown
  ;(lexer as unknown as { blockTokens: typeof original }).blockTokens = (src, tokens, clipped) => {
    const held = new Map<Token, string[]>()
    frames.push(held)
    try {
      return original(src, tokens, clipped)
    } finally {
      frames.pop()
      for (const [token, parts] of held) token.raw = parts.join('') + token.raw
    }
  }
}

/** Moves all of `token.raw` before its last non-blank line into `held`. */
function hold(token: Token, held: Map<Token, string[]>): void {
  const raw = token.raw
  const cut = raw.lastIndexOf('\n', raw.trimEnd().length - 1) + 1
  if (cut <= 0) return
  let parts = held.get(token)
  if (!parts) held.set(token, (parts = []))
  parts.push(raw.slice(0, cut))
  token.raw = raw.slice(cut)
}
