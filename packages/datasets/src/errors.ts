/**
 * Named errors thrown at the boundary of @lowbit/datasets: the loaders, the file parsers and the
 * options of batching, shuffling and augmentation. A bad file never turns into silently wrong
 * training data: each message names the file, what was expected, what was found and how to fix it.
 */

/** Base class: `error instanceof DatasetError` catches every error of this package. */
export class DatasetError extends Error {
  override readonly name: string = 'DatasetError';
}

/** Why a file could not be used. */
export type DatasetFileProblem = 'missing' | 'truncated' | 'corrupted';

export interface DatasetFileErrorDetails {
  /** The file (or directory) involved, as an absolute path where known. */
  file: string;
  problem: DatasetFileProblem;
  /** What the file should have been: "60008 bytes", "magic 0x00000801", ... */
  expected: string;
  /** What was found instead. */
  actual: string;
  /** How to get a good copy: reinstall a package, a download command, ... */
  hint: string;
}

/**
 * A data file that is missing, shorter or longer than its header says, or whose content is not
 * the expected format (bad magic number, a label out of range, malformed JSON).
 */
export class DatasetFileError extends DatasetError {
  override readonly name = 'DatasetFileError';
  readonly file: string;
  readonly problem: DatasetFileProblem;
  readonly expected: string;
  readonly actual: string;
  readonly hint: string;
  constructor(details: DatasetFileErrorDetails) {
    super(`${details.problem} dataset file ${details.file}: expected ${details.expected}, found ${details.actual}. ${details.hint}`);
    this.file = details.file;
    this.problem = details.problem;
    this.expected = details.expected;
    this.actual = details.actual;
    this.hint = details.hint;
  }
}

/** A bad option or argument: names the function, the field, its value and what is allowed. */
export class DatasetOptionsError extends DatasetError {
  override readonly name = 'DatasetOptionsError';
  constructor(
    readonly operation: string,
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    hint?: string,
  ) {
    super(`${operation}: invalid ${field}: ${describeValue(value)} (allowed: ${allowed})${hint ? `. ${hint}` : ''}`);
  }
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

/** "0x00000801": magic numbers are written like this in messages. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

// Option checks shared by the public functions; each throws a DatasetOptionsError.

export function checkPositiveInteger(operation: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new DatasetOptionsError(operation, field, value, 'a positive integer');
  }
  return value;
}

export function checkSeed(operation: string, value: unknown, field = 'seed'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DatasetOptionsError(operation, field, value, 'a non-negative safe integer');
  }
  return value;
}

export function checkSplit(operation: string, value: unknown): 'train' | 'test' {
  if (value !== 'train' && value !== 'test') {
    throw new DatasetOptionsError(operation, 'split', value, "'train' or 'test'", 'pass { split: "train" } or { split: "test" }');
  }
  return value;
}

export function checkBoolean(operation: string, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new DatasetOptionsError(operation, field, value, 'true or false');
  return value;
}
