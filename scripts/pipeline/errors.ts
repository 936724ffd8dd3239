/**
 * The build's one error type. It always names the input file (and the line, when
 * the fault is in front matter) and says what to do, so a writer can fix it
 * without reading a stack trace.
 */

export class BuildError extends Error {
  readonly file: string
  readonly line: number | undefined
  /** The stack of the error this one stands for, when it was not a BuildError: shown with `--debug` only. */
  debugStack?: string

  constructor(file: string, message: string, line?: number) {
    super(`${line ? `${file}:${line}` : file}: ${message}`)
    this.name = 'BuildError'
    this.file = file
    this.line = line
  }
}

/** Several errors found in one pass, so the writer sees them all at once. */
export class BuildErrors extends Error {
  readonly errors: BuildError[]

  constructor(errors: BuildError[]) {
    super(errors.map((e) => e.message).join('\n'))
    this.name = 'BuildErrors'
    this.errors = errors
  }
}
