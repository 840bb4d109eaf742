/**
 * Whether ops record the graph. Inside `noGrad(fn)` nothing is recorded: results are constants,
 * which is what evaluation, optimizer updates and finite-difference checks want.
 */

let enabled = true;

/** True unless running inside noGrad. */
export function isGradientEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording the graph and returns its result. Nests; the previous mode comes
 * back even when `fn` throws. Synchronous only: the mode is restored when `fn` returns, so the
 * code after an `await` inside an async `fn` would record again.
 */
export function noGrad<T>(fn: () => T): T {
  const previous = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
