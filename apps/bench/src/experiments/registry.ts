/** Every experiment the CLI knows, in `list` order. (An unwritten one would be registered with status 'not-implemented', never faked.) */
import { UnknownExperimentError } from '../errors.js';
import { microExperiment } from './micro.js';
import { ortizExperiment } from './ortiz.js';
import { pietrolajExperiment } from './pietrolaj.js';
import { quickExperiment } from './quick.js';
import { rctExperiment } from './rct.js';
import type { Experiment } from './types.js';
import { yaylaExperiment } from './yayla.js';

export const EXPERIMENTS: readonly Experiment[] = [
  quickExperiment,
  microExperiment,
  pietrolajExperiment,
  ortizExperiment,
  rctExperiment,
  yaylaExperiment,
];

export function experimentNames(): string[] {
  return EXPERIMENTS.map((experiment) => experiment.name);
}

export function findExperiment(name: string): Experiment {
  const experiment = EXPERIMENTS.find((candidate) => candidate.name === name);
  if (experiment === undefined) throw new UnknownExperimentError(name, experimentNames());
  return experiment;
}
