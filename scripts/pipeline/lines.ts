/**
 * Lines read lazily from the start of a string. marked hands a block tokenizer
 * the whole rest of the document at every block, so a tokenizer that splits
 * `src` into lines does work proportional to the document at each block, and
 * the document's blocks times its size in all (80,000 short paragraphs took
 * minutes). Reading only the lines a tokenizer looks at keeps it linear.
 */

export class Lines {
  private pos = 0
  /** The offset just past the last line read (and its newline, when it has one). */
  end = 0

  constructor(private readonly src: string) {}

  /** The next line without its newline, or undefined at the end (a final newline ends no extra line). */
  next(): string | undefined {
    if (this.pos >= this.src.length) return undefined
    const nl = this.src.indexOf('\n', this.pos)
    const line = this.src.slice(this.pos, nl < 0 ? this.src.length : nl)
    this.pos = nl < 0 ? this.src.length : nl + 1
    this.end = this.pos
    return line
  }

  /** The next line without reading it: what `next()` will return. */
  peek(): string | undefined {
    if (this.pos >= this.src.length) return undefined
    const nl = this.src.indexOf('\n', this.pos)
    return this.src.slice(this.pos, nl < 0 ? this.src.length : nl)
  }

  /** The text of the lines read so far, with the newline after the last one when there is one. */
  raw(): string {
    return this.src.slice(0, this.end)
  }
}

/** The first line of `src`, without reading the rest. */
export function firstLine(src: string): string {
  const nl = src.indexOf('\n')
  return nl < 0 ? src : src.slice(0, nl)
}
