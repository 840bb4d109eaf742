/**
 * Named errors of @lowbit/optim. Bad options reuse @lowbit/tensor's `ArgumentError` (op, field,
 * value, allowed, hint) as every lowbit package does; the classes below are the mistakes only an
 * optimizer can make. Each message names the parameters or values involved and a way out.
 */

/**
 * routeBy could not give every parameter exactly one optimizer: some were claimed by several
 * routes, some by none. Both lists are complete (not just the first offender).
 */
export class RouteError extends Error {
  override readonly name = 'RouteError';
  constructor(
    /** Parameter name -> the names of the routes that claimed it (two or more). */
    readonly claimedTwice: ReadonlyMap<string, readonly string[]>,
    /** Names of the parameters no route claimed. */
    readonly unclaimed: readonly string[],
    routeNames: readonly string[],
  ) {
    const parts: string[] = [];
    if (claimedTwice.size > 0) {
      const list = [...claimedTwice].map(([name, routes]) => `${JSON.stringify(name)} (routes ${routes.map((r) => JSON.stringify(r)).join(', ')})`);
      parts.push(`claimed by more than one route: ${list.join('; ')}`);
    }
    if (unclaimed.length > 0) parts.push(`claimed by no route: ${unclaimed.map((n) => JSON.stringify(n)).join(', ')}`);
    super(
      `routeBy: every parameter needs exactly one route (routes: ${routeNames.map((r) => JSON.stringify(r)).join(', ')}); ${parts.join('; ')}. ` +
        "Make the selectors disjoint and complete, e.g. { select: 'binary' } and { select: 'non-binary' }.",
    );
  }
}

/** The parameter list given to an optimizer is unusable: a repeated parameter or name, a non-Parameter. */
export class ParameterListError extends Error {
  override readonly name = 'ParameterListError';
  constructor(
    message: string,
    readonly value?: unknown,
  ) {
    super(message);
  }
}

/** A checkpoint given to `loadState` does not fit this optimizer (other parameters, sizes or storage). */
export class OptimizerStateError extends Error {
  override readonly name = 'OptimizerStateError';
  constructor(
    readonly key: string,
    readonly expected: unknown,
    readonly actual: unknown,
  ) {
    super(
      `loadState: ${key}: expected ${describe(expected)}, got ${describe(actual)}. ` +
        'A checkpoint restores only into an optimizer made with the same definition over the same parameters.',
    );
  }
}

/** A value as messages show it: strings quoted, typed arrays by type and length, objects as JSON. */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  try {
    const text = JSON.stringify(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}

/**
 * A value as ArgumentError should show it (it quotes strings and JSON-encodes the rest): a format
 * by its name, a function by a label, anything else as is.
 */
export function shown(value: unknown): unknown {
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  const format = value as { name?: unknown; spec?: unknown } | null;
  if (format !== null && typeof format === 'object' && typeof format.name === 'string' && format.spec !== undefined) return format.name;
  return value;
}
