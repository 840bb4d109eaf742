/** Named errors of the bench CLI: each names the offending value and what is allowed. */

/** A bad command-line value (flag, experiment name, path). */
export class BenchUsageError extends Error {
  override name = 'BenchUsageError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
    hint?: string,
  ) {
    super(`invalid ${option}: ${JSON.stringify(value)} (allowed: ${allowed})${hint === undefined ? '' : `. ${hint}`}`);
  }
}

/** `run <experiment>` with a name that is not registered. */
export class UnknownExperimentError extends BenchUsageError {
  override name = 'UnknownExperimentError';
  constructor(experiment: string, valid: readonly string[]) {
    super('experiment', experiment, valid.join(', '), 'Run `lowbit-bench list` to see what each experiment does');
  }
}

/** A results document that does not match the JSON Schema of the bench. */
export class ResultsValidationError extends Error {
  override name = 'ResultsValidationError';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid lowbit-bench results file: ${problems.slice(0, 5).join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`);
  }
}
