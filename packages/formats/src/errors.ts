/**
 * Named errors thrown at the boundary of @lowbit/formats. Each names the offending field, its
 * value and what is allowed, so a wrong spec never turns into silently wrong numbers.
 */
export class FormatSpecError extends Error {
  override readonly name = 'FormatSpecError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    hint?: string,
  ) {
    super(invalidFieldMessage(field, value, allowed, hint));
  }
}

export class UnknownFormatError extends Error {
  override readonly name = 'UnknownFormatError';
  constructor(
    readonly formatName: string,
    hint: string,
  ) {
    super(`unknown format name ${JSON.stringify(formatName)}. ${hint}`);
  }
}

export class QuantizeOptionsError extends Error {
  override readonly name = 'QuantizeOptionsError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`invalid quantize option ${field}: ${describe(value)} (allowed: ${allowed})`);
  }
}

/** A value, code or buffer that the format cannot represent or read. */
export class EncodingError extends Error {
  override readonly name = 'EncodingError';
}

/**
 * Bad input to packCodes/unpackCodes: a code that does not fit the width, a width out of range or
 * a buffer too short. `index` is the position of the offending code, when there is one.
 */
export class PackingError extends Error {
  override readonly name = 'PackingError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    readonly index?: number,
  ) {
    super(`invalid ${field}${index === undefined ? '' : ` at index ${index}`}: ${describe(value)} (allowed: ${allowed})`);
  }
}

/** Bad input to the range tools: analyze options, fitBias / exponentOffsetFor arguments. */
export class RangeAnalysisError extends Error {
  override readonly name = 'RangeAnalysisError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    hint?: string,
  ) {
    super(invalidFieldMessage(field, value, allowed, hint));
  }
}

/** The message of FormatSpecError and RangeAnalysisError. */
function invalidFieldMessage(field: string, value: unknown, allowed: string, hint: string | undefined): string {
  return `invalid ${field}: ${describe(value)} (allowed: ${allowed})${hint ? `. ${hint}` : ''}`;
}

export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
