/** What every experiment provides: a typed config (full and --quick sizes) and a runner. */
import type { Progress } from '../progress.js';
import type { BenchmarkResult, RunResult } from '../results/types.js';

export interface ExperimentContext {
  quick: boolean;
  seed: number;
  progress: Progress;
  /** The backend and threads the run uses, for configs that record them. */
  backend: { name: string; threads: number };
}

export interface ExperimentOutcome {
  config: Record<string, unknown>;
  runs: RunResult[];
  benchmarks?: BenchmarkResult[];
  notes?: string[];
  /** The human-readable comparison printed at the end. */
  table: string;
}

export interface Experiment {
  name: string;
  description: string;
  /** 'ready' runs; 'not-implemented' is listed but refuses to run (no fake results). */
  status: 'ready' | 'not-implemented';
  run?(context: ExperimentContext): Promise<ExperimentOutcome>;
}
