/** The lowbit-bench command line: run, report, list, profile. Built as a function so tests drive it without a child process. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { existsSync, statSync } from 'node:fs';
import { BenchUsageError } from './errors.js';
import { EXPERIMENTS, experimentNames, findExperiment } from './experiments/registry.js';
import { collectEnvironment } from './environment.js';
import { formatProfile, profileDocument, writeProfile, type ProfileGrouping } from './profile/report.js';
import { parseProfileModel, PROFILE_DEFAULTS, PROFILE_MODELS, runProfile } from './profile/run-profile.js';
import { createProgress, type ProgressOptions } from './progress.js';
import { writeReport } from './report/write-report.js';
import { runExperiment } from './run-experiment.js';

export interface ProgramOptions {
  /** Where normal output goes. Default process.stdout. */
  write?: (text: string) => void;
  progress?: ProgressOptions;
  /** Base folder of results/ when --out is not given. Default: the current directory. */
  directory?: string;
}

function parseInteger(option: string, minimum: number, maximum: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      // commander prints InvalidArgumentError as "option '--seed <n>' argument 'x' is invalid. <message>"
      throw new InvalidArgumentError(new BenchUsageError(option, value, `an integer ${minimum}..${maximum}`).message);
    }
    return parsed;
  };
}

function parseJsonPath(value: string): string {
  if (!value.toLowerCase().endsWith('.json')) throw new InvalidArgumentError(new BenchUsageError('--out', value, 'a path ending in .json', 'the CSV is written next to it with .csv').message);
  return value;
}

function parseProfileJsonPath(value: string): string {
  if (!value.toLowerCase().endsWith('.json')) throw new InvalidArgumentError(new BenchUsageError('--out', value, 'a path ending in .json').message);
  return value;
}

function parseDirectory(option: string) {
  return (value: string): string => {
    if (!existsSync(value) || !statSync(value).isDirectory()) throw new InvalidArgumentError(new BenchUsageError(option, value, 'an existing folder', 'see `pnpm bench run --help` for how to download CIFAR-10').message);
    return value;
  };
}

function parseHtmlPath(value: string): string {
  if (!/\.html?$/i.test(value)) throw new InvalidArgumentError(new BenchUsageError('--out', value, 'a path ending in .html').message);
  return value;
}

export function createProgram(options: ProgramOptions = {}): Command {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const program = new Command('lowbit-bench')
    .description('Train and benchmark neural networks in emulated low-precision number formats; write results and an HTML report.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: write });

  program
    .command('run')
    .description(`run an experiment and write results/<experiment>-<timestamp>.json and .csv (experiments: ${experimentNames().join(', ')})`)
    .argument('<experiment>', `one of: ${experimentNames().join(', ')}`)
    .option('--quick', 'smoke-test size (a few hundred images, one epoch)', false)
    .option('--out <file>', 'results JSON path (the CSV goes next to it)', parseJsonPath)
    .option('--seed <n>', 'seed of data order, weights and stochastic rounding', parseInteger('--seed', 0, 2 ** 32 - 1), 1)
    .option('--threads <n>', 'worker threads of the wasm backend (default: every core)', parseInteger('--threads', 1, 256))
    .addOption(new Option('--backend <name>', 'tensor backend').choices(['wasm', 'reference']).default('wasm'))
    .option('--epochs <n>', "override the experiment's number of epochs", parseInteger('--epochs', 1, 10_000))
    .option('--cifar10 <dir>', 'folder of the CIFAR-10 binary batches (default: $LOWBIT_CIFAR10_DIR; without it CIFAR experiments train on padded Fashion-MNIST, labelled as such)', parseDirectory('--cifar10'))
    .action(async (experiment: string, flags: { quick: boolean; out?: string; seed: number; threads?: number; backend: 'wasm' | 'reference'; epochs?: number; cifar10?: string }) => {
      findExperiment(experiment); // unknown names fail before any work, listing the valid ones
      const progress = createProgress(options.progress);
      const outcome = await runExperiment({ experiment, quick: flags.quick, seed: flags.seed, threads: flags.threads, backend: flags.backend, out: flags.out, directory: options.directory, progress, epochs: flags.epochs, cifar10Directory: flags.cifar10 });
      const { environment } = outcome.document;
      write(`\n${outcome.document.experiment} on ${environment.backend} (${environment.threads} thread${environment.threads === 1 ? '' : 's'}), ${outcome.document.wallSeconds.toFixed(1)} s\n`);
      for (const note of outcome.document.notes ?? []) write(`note: ${note}\n`);
      write(`${outcome.table}\n\nresults: ${outcome.written.jsonPath}\n         ${outcome.written.csvPath}\n`);
    });

  program
    .command('report')
    .description('turn a folder of results JSON files into one self-contained HTML page (tables and charts, no network)')
    .argument('<resultsDir>', 'folder holding results JSON files')
    .option('--out <file>', 'HTML path (default: <resultsDir>/report.html)', parseHtmlPath)
    .action((resultsDirectory: string, flags: { out?: string }) => {
      if (!existsSync(resultsDirectory) || !statSync(resultsDirectory).isDirectory()) throw new BenchUsageError('resultsDir', resultsDirectory, 'an existing folder of results JSON files', 'run `lowbit-bench run quick` first: it writes results/');
      const { path, files } = writeReport({ resultsDirectory, out: flags.out });
      write(`report of ${files} results file${files === 1 ? '' : 's'}: ${path}\n`);
    });

  program
    .command('list')
    .description('list the experiments and what each runs')
    .action(() => {
      const width = Math.max(...EXPERIMENTS.map((experiment) => experiment.name.length));
      for (const experiment of EXPERIMENTS) {
        write(`${experiment.name.padEnd(width)}  ${experiment.description}\n`);
      }
    });

  const defaults = Object.entries(PROFILE_DEFAULTS).map(([model, { steps, warmup, batch }]) => `${model} ${steps}/${warmup}/${batch}`).join(', ');
  program
    .command('profile')
    .description("time one model's training step by kernel: total ms/step and examples/s, time inside kernels vs JavaScript, forward/backward/optimizer phases, and a table of kernels by time")
    .argument('<model>', `one of: ${PROFILE_MODELS.join(', ')}`)
    .option('--steps <n>', `timed steps (default per model, steps/warm-up/batch: ${defaults})`, parseInteger('--steps', 1, 100_000))
    .option('--warmup <n>', 'untimed steps first: JIT compilation, first allocations (default per model, see --steps)', parseInteger('--warmup', 0, 10_000))
    .option('--batch <n>', 'examples per step: random images, labels 0..9 (default per model, see --steps)', parseInteger('--batch', 1, 65_536))
    .option('--threads <n>', 'worker threads of the wasm backend (default: every core)', parseInteger('--threads', 1, 256))
    .addOption(new Option('--backend <name>', 'tensor backend').choices(['wasm', 'reference']).default('wasm'))
    .addOption(new Option('--precision <name>', 'float32, or fp8: E4M3 weights and layer inputs forward, E5M2 errors and weight gradients backward').choices(['float32', 'fp8']).default('float32'))
    .option('--seed <n>', 'seed of the weights and the random batch', parseInteger('--seed', 0, 2 ** 32 - 1), 1)
    .addOption(new Option('--by <grouping>', 'table rows per kernel and shapes (inputs of matmul and convolutions, the output of other kernels), or per kernel name').choices(['shape', 'kernel']).default('shape'))
    .option('--top <n>', 'rows of the kernel table (the rest are summed in one line)', parseInteger('--top', 1, 10_000), 25)
    .option('--out <file>', 'also write the split and every row as JSON (atomically; not a results file, keep it out of folders given to `report`)', parseProfileJsonPath)
    .action(async (model: string, flags: { steps?: number; warmup?: number; batch?: number; threads?: number; backend: 'wasm' | 'reference'; precision: 'float32' | 'fp8'; seed: number; by: ProfileGrouping; top: number; out?: string }) => {
      parseProfileModel(model); // an unknown model fails before any work, listing the valid ones
      const progress = createProgress(options.progress);
      const startedAt = new Date().toISOString();
      const result = await runProfile({ model, steps: flags.steps, warmup: flags.warmup, batch: flags.batch, threads: flags.threads, backend: flags.backend, precision: flags.precision, seed: flags.seed, progress });
      write(`\n${formatProfile(result, { by: flags.by, top: flags.top })}`);
      if (flags.out !== undefined) {
        const path = writeProfile(flags.out, profileDocument(result, flags.by, { ...collectEnvironment({ threads: result.threads, backend: result.backend }), startedAt }));
        write(`\nprofile: ${path}\n`);
      }
    });

  return program;
}
