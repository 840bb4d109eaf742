/**
 * Named errors thrown at the boundary of @lowbit/tensor: the op functions, the creation helpers and
 * the backend registry. Kernels never throw for user input; every check happens before them, so a
 * message can name the op, the offending value and what would have been accepted.
 */

/** Shapes that do not fit together. The message shows every shape involved and a hint. */
export class ShapeError extends Error {
  override readonly name = 'ShapeError';
  constructor(
    message: string,
    readonly shapes: readonly (readonly number[])[] = [],
  ) {
    super(message);
  }
}

/** A tensor of the wrong dtype for an op (argmax indices where values are expected, ...). */
export class DTypeError extends Error {
  override readonly name = 'DTypeError';
  constructor(
    readonly op: string,
    readonly dtype: string,
    readonly allowed: string,
    hint?: string,
  ) {
    super(`${op}: dtype ${JSON.stringify(dtype)} is not allowed (allowed: ${allowed})${hint ? `. ${hint}` : ''}`);
  }
}

/** A bad option or argument: names the field, its value and what is allowed. */
export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
  constructor(
    readonly op: string,
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
    hint?: string,
  ) {
    super(`${op}: invalid ${field}: ${describeValue(value)} (allowed: ${allowed})${hint ? `. ${hint}` : ''}`);
  }
}

/** Unknown backend, a backend that failed to initialise, or tensors of two backends in one op. */
export class BackendError extends Error {
  override readonly name = 'BackendError';
}

/** "[2,3]": shapes in messages are written like this everywhere. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) {
    return String(value);
  }
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  }
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}
