/** What every experiment provides: a typed config (full and --quick sizes) and a runner. */
import type { Progress } from '../progress.js';
import type { BenchmarkResult, RunResult } from '../results/types.js';

export interface ExperimentContext {
  quick: boolean;
  seed: number;
  progress: Progress;
  /** The backend and threads the run uses, for configs that record them. */
  backend: { name: string; threads: number };
  /** Folder of the CIFAR-10 binary batches (--cifar10), else the LOWBIT_CIFAR10_DIR environment variable; missing: a padded substitute. */
  cifar10Directory?: string;
  /** Overrides the experiment's epochs (--epochs). */
  epochs?: number;
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
  run(context: ExperimentContext): Promise<ExperimentOutcome>;
}

/** The config an experiment runs with: its own, with the command line's --epochs applied. */
export function sizedConfig<Config extends { epochs: number }>(context: ExperimentContext, config: Config): Config {
  return context.epochs === undefined ? config : { ...config, epochs: context.epochs };
}
