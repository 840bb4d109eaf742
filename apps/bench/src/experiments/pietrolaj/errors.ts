/** The named error of the Pietrołaj & Blok experiment's config: the field, its value, what is allowed, a hint. */
export class PietrolajConfigError extends Error {
  override name = 'PietrolajConfigError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    hint?: string,
  ) {
    super(`pietrolaj: invalid ${field}: ${JSON.stringify(value)} (allowed: ${allowed})${hint === undefined ? '' : `. ${hint}`}`);
  }
}
