/** Named errors of the yayla experiment: each says what was wrong, with the value, and what to do. */

/** The per-step momentum series could not be recorded or downsampled. */
export class YaylaSeriesError extends Error {
  override name = 'YaylaSeriesError';
  constructor(problem: string, hint: string) {
    super(`${problem}. ${hint}`);
  }
}

/** A yayla config value outside what the experiment can run. */
export class YaylaConfigError extends Error {
  override name = 'YaylaConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid yayla config ${field}: ${JSON.stringify(value)} (allowed: ${allowed})`);
  }
}
