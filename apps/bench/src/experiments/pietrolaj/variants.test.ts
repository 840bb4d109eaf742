import { describe, expect, it } from 'vitest';
import { floatFormat } from '@lowbit/formats';
import { checkConfig, modelEpochs, pietrolajConfig, pietrolajPaperConfig, pietrolajSmokeConfig, type PietrolajConfig } from './config.js';
import { PietrolajConfigError } from './errors.js';
import { FLOAT32_VARIANT, FP8_VARIANTS, findVariant, formatsLabel, roleFormats, variantSetup } from './variants.js';

const options = { margin: 1, offsetEvery: 10, histograms: false, seed: 1 };

describe('pietrolaj variants', () => {
  it.each([
    ['e5m2', 'float8_e5m2_saturate', 'none', 'nearest-even'],
    ['e4m3', 'float8_e4m3_saturate', 'none', 'nearest-even'],
    ['e3m4', 'float8_e3m4_saturate', 'none', 'nearest-even'],
    ['e5m2-offset', 'float8_e5m2_saturate', 'dynamic-offset(every 10, margin 1)', 'nearest-even'],
    ['e4m3-offset', 'float8_e4m3_saturate', 'dynamic-offset(every 10, margin 1)', 'nearest-even'],
    ['e3m4-offset', 'float8_e3m4_saturate', 'dynamic-offset(every 10, margin 1)', 'nearest-even'],
    ['e4m3-offset-tight-saturate', 'float8_e4m3_saturate', 'dynamic-offset(every 10, margin 0)', 'nearest-even'],
    ['e4m3-offset-tight-infinity', 'float8_e4m3', 'dynamic-offset(every 10, margin 0)', 'nearest-even'],
    ['e4m3-offset-flush', 'e4m3_nosub_saturate', 'dynamic-offset(every 10, margin 1)', 'nearest-even'],
    ['e4m3-offset-stochastic', 'float8_e4m3_saturate', 'dynamic-offset(every 10, margin 1)', 'stochastic'],
  ])('%s rounds every role into %s (scaling %s, %s), float32 master', (name, format, scaling, rounding) => {
    const setup = variantSetup(name, options);
    expect(setup.formats).toEqual({ weights: format, activations: format, errors: format, weightGradients: format, master: 'float32', scaling, rounding });
    const layers = (setup.plan as { layers: Record<string, { format: { name: string }; rounding: string; scaling?: unknown; seed?: number }> }).layers;
    expect(Object.keys(layers).sort()).toEqual(['errors', 'inputs', 'weightGradients', 'weights']);
    for (const role of Object.values(layers)) {
      expect(role.format.name).toBe(format);
      expect(role.rounding).toBe(rounding);
      expect(role.scaling === undefined).toBe(scaling === 'none');
      expect(role.seed !== undefined).toBe(rounding === 'stochastic');
    }
  });

  it('float32 is the baseline without a plan', () => {
    const setup = variantSetup(FLOAT32_VARIANT, options);
    expect(setup.plan).toBeUndefined();
    expect(setup.formats.weights).toBe('float32');
    expect(setup.formats.master).toBe('float32');
  });

  it('fits a static bias per role that shifts the range toward small magnitudes (asymmetric exponent)', () => {
    const calibration = { weights: 0.2, activations: 4.3, errors: 0.03, weightGradients: 0.5 };
    const formats = roleFormats(findVariant('e4m3-static-bias'), 1, calibration);
    // emax(E4M3 ieee) = floor(log2 240) = 7; bias = 7 + 7 - floor(log2 maxAbs) - margin.
    expect(formats.weights.name).toBe('e4m3_b16_saturate');
    expect(formats.activations.name).toBe('e4m3_b11_saturate');
    expect(formats.errors.name).toBe('e4m3_b19_saturate');
    expect(formats.weightGradients.name).toBe('e4m3_b14_saturate');
    for (const role of ['weights', 'activations', 'errors', 'weightGradients'] as const) {
      expect(formats[role].range.max).toBeGreaterThanOrEqual(calibration[role]);
    }
    const setup = variantSetup('e4m3-static-bias', { ...options, calibration });
    expect(formatsLabel(setup.formats)).toBe('W e4m3_b16_saturate · A e4m3_b11_saturate · E e4m3_b19_saturate · G e4m3_b14_saturate');
    expect(setup.formats.scaling).toBe('static bias per role (fitted, margin 1)');
  });

  it('refuses a static bias without calibration and unknown names, naming the value', () => {
    expect(() => variantSetup('e4m3-static-bias', options)).toThrow(PietrolajConfigError);
    expect(() => variantSetup('e4m3-fast', options)).toThrow(/invalid variant: "e4m3-fast" \(allowed: one of float32, e5m2,/);
  });

  it('keeps every catalogue name unique and buildable', () => {
    expect(new Set(FP8_VARIANTS.map((variant) => variant.name)).size).toBe(FP8_VARIANTS.length);
    for (const variant of FP8_VARIANTS) expect(floatFormat(roleFormats(variant, 1, { weights: 1, activations: 1, errors: 1, weightGradients: 1 }).weights.spec).bits).toBe(8);
  });
});

describe('pietrolaj config', () => {
  it('accepts the shipped configs and runs the full variant set on LeNet-5', () => {
    for (const config of [pietrolajConfig, pietrolajSmokeConfig, pietrolajPaperConfig]) expect(() => checkConfig(config)).not.toThrow();
    expect(pietrolajConfig.models[0].variants).toEqual([FLOAT32_VARIANT, ...FP8_VARIANTS.map((variant) => variant.name)]);
    expect(pietrolajConfig.models.map((model) => model.model)).toEqual(['lenet5', 'alexnet', 'resnet18']);
  });

  const broken = (change: (config: PietrolajConfig) => void): PietrolajConfig => {
    const config = structuredClone(pietrolajSmokeConfig);
    change(config);
    return config;
  };
  it.each([
    ['no float32 baseline', broken((config) => (config.models[0].variants = ['e4m3'])), /models\.lenet5\.variants.*float32/],
    ['an unknown variant', broken((config) => config.models[1].variants.push('e2m5')), /invalid variant: "e2m5"/],
    ['a repeated variant', broken((config) => config.models[1].variants.push('float32')), /without repetition/],
    ['zero train samples', broken((config) => (config.models[2].trainSamples = 0)), /models\.resnet18\.trainSamples: 0/],
    ['a fractional margin', broken((config) => (config.margin = 0.5)), /invalid margin: 0\.5/],
  ])('rejects %s', (_case, config, message) => {
    expect(() => checkConfig(config)).toThrow(message);
  });

  it('takes --epochs over the model epochs over the config epochs', () => {
    const model = { ...pietrolajConfig.models[2], epochs: 1 };
    expect(modelEpochs(model, pietrolajConfig, 5)).toBe(5);
    expect(modelEpochs(model, pietrolajConfig, undefined)).toBe(1);
    expect(modelEpochs({ ...model, epochs: undefined }, pietrolajConfig, undefined)).toBe(pietrolajConfig.epochs);
  });
});
