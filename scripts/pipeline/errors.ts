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

/**
 * What a writer reads when a build fails: the build's own errors as they are,
 * anything else as its first line with where to look, never a stack trace.
 */
export function failureMessage(error: unknown): string {
  if (error instanceof BuildError || error instanceof BuildErrors) return error.message
  const e = error as { message?: unknown }
  const first = String(e?.message ?? error).split('\n', 1)[0]
  return `${first}; run again with --debug to see where it failed`
}

/** The stacks behind a failure, for `--debug`. */
export function debugStacks(error: unknown): string[] {
  if (error instanceof BuildErrors) return error.errors.flatMap((e) => (e.debugStack ? [e.debugStack] : []))
  if (error instanceof BuildError) return error.debugStack ? [error.debugStack] : []
  return [error instanceof Error && error.stack ? error.stack : String(error)]
}
