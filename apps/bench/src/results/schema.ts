/**
 * JSON Schema (draft 2020-12 subset that ajv's default build checks) of a results file. Kept next
 * to types.ts by hand: the validation test writes a real run and checks it against this schema,
 * so a field added to one and not the other fails the test.
 */
import Ajv from 'ajv';
import { ResultsValidationError } from '../errors.js';
import type { ResultsDocument } from './types.js';

const finiteNumber = { type: 'number' } as const;
const nonNegative = { type: 'number', minimum: 0 } as const;

const curvePoint = {
  type: 'object',
  required: ['epoch', 'step', 'trainLoss', 'testAccuracy'],
  properties: {
    epoch: { type: 'number', minimum: 0 },
    step: { type: 'integer', minimum: 0 },
    trainLoss: { type: ['number', 'null'] },
    testAccuracy: { type: ['number', 'null'], minimum: 0, maximum: 1 },
  },
} as const;

const histogram = {
  type: 'object',
  required: ['name', 'format', 'bins', 'range'],
  properties: {
    name: { type: 'string' },
    format: { type: 'string' },
    bins: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    range: {
      oneOf: [
        { type: 'null' },
        { type: 'object', required: ['minExponent', 'maxExponent'], properties: { minExponent: finiteNumber, maxExponent: finiteNumber } },
      ],
    },
  },
} as const;

export const resultsSchema = {
  $id: 'https://lowbit.dev/schemas/bench-results.json',
  title: 'lowbit-bench results',
  type: 'object',
  required: ['experiment', 'config', 'environment', 'runs', 'wallSeconds'],
  properties: {
    experiment: { type: 'string', minLength: 1 },
    config: { type: 'object' },
    environment: {
      type: 'object',
      required: ['node', 'packages', 'commit', 'machine', 'threads', 'backend', 'startedAt'],
      properties: {
        node: { type: 'string' },
        packages: { type: 'object', additionalProperties: { type: 'string' } },
        commit: { type: ['string', 'null'] },
        machine: {
          type: 'object',
          required: ['cpuModel', 'cores', 'memoryBytes', 'platform', 'arch'],
          properties: {
            cpuModel: { type: 'string' },
            cores: { type: 'integer', minimum: 1 },
            memoryBytes: nonNegative,
            platform: { type: 'string' },
            arch: { type: 'string' },
          },
        },
        threads: { type: 'integer', minimum: 1 },
        backend: { type: 'string' },
        startedAt: { type: 'string' },
      },
    },
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'formats', 'seed', 'testAccuracy', 'epochs', 'wallSeconds', 'memoryBytes', 'curves', 'statistics'],
        properties: {
          name: { type: 'string', minLength: 1 },
          formats: { type: 'object', additionalProperties: { type: 'string' } },
          seed: { type: 'integer', minimum: 0 },
          testAccuracy: { type: 'number', minimum: 0, maximum: 1 },
          epochs: { type: 'number', minimum: 0 },
          wallSeconds: nonNegative,
          memoryBytes: nonNegative,
          curves: { type: 'object', required: ['steps'], properties: { steps: { type: 'array', items: curvePoint } } },
          statistics: { type: 'object' },
          histograms: { type: 'array', items: histogram },
          series: {
            type: 'array',
            items: {
              type: 'object',
              required: ['chart', 'label', 'xLabel', 'yLabel', 'points'],
              properties: {
                chart: { type: 'string', minLength: 1 },
                label: { type: 'string' },
                xLabel: { type: 'string' },
                yLabel: { type: 'string' },
                points: { type: 'array', items: { type: 'array', minItems: 2, maxItems: 2, items: finiteNumber } },
              },
            },
          },
        },
      },
    },
    benchmarks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'system', 'value', 'unit', 'ratio'],
        properties: {
          name: { type: 'string' },
          system: { type: 'string' },
          value: finiteNumber,
          unit: { type: 'string' },
          ratio: { type: ['number', 'null'] },
        },
      },
    },
    notes: { type: 'array', items: { type: 'string' } },
    wallSeconds: nonNegative,
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(resultsSchema);

/** Throws ResultsValidationError listing every problem (path and message) when `document` does not match. */
export function assertValidResults(document: unknown, source = 'results'): asserts document is ResultsDocument {
  if (validate(document)) return;
  const problems = (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`);
  throw new ResultsValidationError(source, problems);
}
