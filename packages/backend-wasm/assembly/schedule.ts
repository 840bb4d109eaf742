/**
 * Dynamic scheduling: the threads of a job take units of work from one atomic counter in the job
 * block (the host zeroes it before every dispatch, src/runtime.ts), so a thread that gets less CPU
 * (a busy machine, a slow core) simply takes fewer units. A unit is a fixed piece of the work
 * (GEMM column block or depth chunk, image chunk, element block, plane group) computed the same way
 * whichever thread takes it, so results stay identical for every thread count and every schedule.
 */

/** Word of the job block holding the unit counter (the last word of its first KiB). */
export const COUNTER_WORD = 255;

/** The next unit of the running job, or -1 when all `units` are taken. */
@inline export function claim(job: usize, units: i32): i32 {
  const unit = atomic.add<i32>(job + (<usize>COUNTER_WORD << 2), 1);
  return unit < units ? unit : -1;
}
