/** `run <experiment>`: pick the backend, run, write JSON + CSV, print the comparison table. */
import { selectBackend } from './backend.js';
import { collectEnvironment } from './environment.js';
import { findExperiment } from './experiments/registry.js';
import type { Progress } from './progress.js';
import type { ResultsDocument } from './results/types.js';
import { writeResults, type WrittenResults } from './results/write.js';

export interface RunExperimentOptions {
  experiment: string;
  quick: boolean;
  seed: number;
  threads?: number;
  backend: 'wasm' | 'reference';
  out?: string;
  /** Where results/ goes without --out. Default: the current directory. */
  directory?: string;
  progress: Progress;
  cifar10Directory?: string;
  epochs?: number;
}

export interface RunExperimentOutcome {
  document: ResultsDocument;
  written: WrittenResults;
  table: string;
}

export async function runExperiment(options: RunExperimentOptions): Promise<RunExperimentOutcome> {
  const experiment = findExperiment(options.experiment);
  const backend = await selectBackend({ backend: options.backend, threads: options.threads });
  if (backend.fallbackReason !== undefined) options.progress.log(`wasm backend unavailable, using the reference backend: ${backend.fallbackReason}`);
  const environment = collectEnvironment({ threads: backend.threads, backend: backend.name });
  const started = performance.now();
  const outcome = await experiment.run({ quick: options.quick, seed: options.seed, progress: options.progress, backend, cifar10Directory: options.cifar10Directory, epochs: options.epochs });
  const document: ResultsDocument = {
    experiment: experiment.name,
    config: { ...outcome.config, quick: options.quick, seed: options.seed, ...(options.epochs === undefined ? {} : { epochsOverride: options.epochs }) },
    environment,
    runs: outcome.runs,
    ...(outcome.benchmarks === undefined ? {} : { benchmarks: outcome.benchmarks }),
    ...(outcome.notes === undefined ? {} : { notes: outcome.notes }),
    wallSeconds: (performance.now() - started) / 1000,
  };
  const written = writeResults({ document, out: options.out, directory: options.directory });
  return { document, written, table: outcome.table };
}
