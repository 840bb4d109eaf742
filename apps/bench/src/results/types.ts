/** The shape of one results file (results/<experiment>-<timestamp>.json); schema.ts says the same for validators. */

export interface Environment {
  node: string;
  /** Versions of the workspace packages the run used. */
  packages: Record<string, string>;
  /** `git rev-parse HEAD`, or null outside a checkout. */
  commit: string | null;
  machine: { cpuModel: string; cores: number; memoryBytes: number; platform: string; arch: string };
  threads: number;
  /** Name of the tensor backend the run used ('wasm' or 'reference'). */
  backend: string;
  startedAt: string;
}

/** One point of a training curve. */
export interface CurvePoint {
  epoch: number;
  step: number;
  /** Mean finite loss of the slice; null when every step of the slice was skipped as non-finite. */
  trainLoss: number | null;
  testAccuracy: number | null;
}

/** Distribution of floor(log2 |v|) of a tensor role, against the representable range of its format. */
export interface ValueHistogram {
  name: string;
  format: string;
  /** Exponent -> count. */
  bins: Record<string, number>;
  /** log2 of the smallest subnormal and of the largest finite value of the format (after any offset). */
  range: { minExponent: number; maxExponent: number } | null;
}

/** A line of points (per step or per epoch); every series with the same `chart`, across the runs of a file, is drawn on one chart. */
export interface Series {
  chart: string;
  /** The line's name within the chart (the run's name is put in front of it). */
  label: string;
  xLabel: string;
  yLabel: string;
  points: Array<[number, number]>;
}

export interface RunResult {
  name: string;
  /** Format names by role ('weights', 'activations', 'errors', 'weightGradients', 'master', ...). */
  formats: Record<string, string>;
  seed: number;
  /** Fraction in [0, 1]. */
  testAccuracy: number;
  epochs: number;
  wallSeconds: number;
  memoryBytes: number;
  curves: { steps: CurvePoint[] };
  statistics: Record<string, unknown>;
  histograms?: ValueHistogram[];
  series?: Series[];
}

export interface BenchmarkResult {
  name: string;
  system: string;
  value: number;
  unit: string;
  /** value of this system against lowbit's value for the same benchmark (null where no peer ran). */
  ratio: number | null;
}

export interface ResultsDocument {
  experiment: string;
  config: Record<string, unknown>;
  environment: Environment;
  runs: RunResult[];
  benchmarks?: BenchmarkResult[];
  /** Labels a reader must see, e.g. a dataset substituted for CIFAR-10. */
  notes?: string[];
  wallSeconds: number;
}
