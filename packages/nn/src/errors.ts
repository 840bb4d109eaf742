/**
 * Named errors of @lowbit/nn. Bad layer options reuse @lowbit/tensor's `ArgumentError` (op, field,
 * value, allowed, hint) and shape mistakes its `ShapeError`, so every package reports them the same
 * way; the classes below are the mistakes only a module tree can make. Each message names the
 * module or key involved, the offending value and a way out.
 */

/** A module tree that cannot be built: a bad child or parameter name, a module added twice. */
export class ModuleError extends Error {
  override readonly name = 'ModuleError';
}

/** A state dict that does not fit the model it is loaded into. */
export class StateDictError extends Error {
  override readonly name = 'StateDictError';
  constructor(
    message: string,
    /** Keys the model has and the state dict lacks ("parameters: fc1.weight"). */
    readonly missing: readonly string[] = [],
    /** Keys the state dict has and the model lacks. */
    readonly unexpected: readonly string[] = [],
    /** Keys present in both whose shape, dtype or storage format differ. */
    readonly mismatched: readonly string[] = [],
  ) {
    super(message);
  }
}

/** A quantization plan that does not fit the model: an override naming no layer, a role a layer lacks. */
export class QuantizationPlanError extends Error {
  override readonly name = 'QuantizationPlanError';
}

/** At most `limit` items of a list for a message, with "... (n more)". */
export function listForMessage(items: readonly string[], limit = 12): string {
  if (items.length === 0) return '(none)';
  const shown = items.slice(0, limit).join(', ');
  return items.length > limit ? `${shown}, ... (${items.length - limit} more)` : shown;
}
