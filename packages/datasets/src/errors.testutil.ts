/** Test helper: the error `run` throws (fails the test when it throws none). */
export function captured(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
