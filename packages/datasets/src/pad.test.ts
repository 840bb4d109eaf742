import { describe, expect, it } from 'vitest';
import { createDataset } from './dataset.js';
import { DatasetOptionsError } from './errors.js';
import { padImages } from './pad.js';
import { gaussianBlobs, syntheticImages } from './synthetic.js';

describe('padImages', () => {
  // MNIST-shaped images: 2 samples of [1, 28, 28] with distinct non-zero pixels.
  const mnistLike = createDataset({
    name: 'mnist',
    split: 'test',
    sampleShape: [1, 28, 28],
    values: Uint8Array.from({ length: 2 * 784 }, (_, index) => 1 + (index % 255)),
    labels: Uint8Array.from([3, 7]),
    classCount: 10,
  });

  it('28x28 grey -> 3x32x32: centered with a 2-pixel zero border, the channel replicated', () => {
    const padded = padImages(mnistLike);
    expect(padded.sampleShape).toEqual([3, 32, 32]);
    expect(padded.name).toBe('mnist');
    expect(padded.split).toBe('test');
    expect(Array.from(padded.labels)).toEqual([3, 7]);
    const source = mnistLike.get(1).values;
    const image = padded.get(1).values;
    for (let channel = 0; channel < 3; channel++) {
      for (let y = 0; y < 32; y++) {
        for (let x = 0; x < 32; x++) {
          const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
          const value = image[channel * 1024 + y * 32 + x];
          expect(value).toBe(inside ? source[(y - 2) * 28 + (x - 2)] : 0);
        }
      }
    }
  });

  it.each([
    { options: { height: 7, width: 8, channels: 1 }, shape: [1, 7, 8], topLeft: [1, 1] },
    { options: { height: 5, width: 5, channels: 2 }, shape: [2, 5, 5], topLeft: [0, 0] },
  ])('odd padding goes after: $options', ({ options, shape, topLeft }) => {
    const small = syntheticImages({ seed: 1, samples: 1, height: 5, width: 5, channels: 1 });
    const padded = padImages(small, options);
    expect(padded.sampleShape).toEqual(shape);
    const [, height, width] = shape;
    const [top, left] = topLeft;
    expect(padded.values[top * width + left]).toBe(small.values[0]);
    expect(padded.values.length).toBe(shape[0] * height * width);
  });

  it.each([
    { dataset: syntheticImages({ seed: 1, samples: 1, height: 8, width: 8 }), options: { height: 4 }, message: 'padImages: invalid height: 4 (allowed: at least the source height 8). padImages only pads, it never crops' },
    { dataset: syntheticImages({ seed: 1, samples: 1, channels: 2 }), options: {}, message: 'padImages: invalid channels: 3 (allowed: 1 or 2 (the source has 2 channels; only a single channel can be replicated))' },
    {
      dataset: gaussianBlobs({ classes: 2, dimensions: 4, samples: 2, separation: 1, seed: 1 }),
      options: {},
      message: 'padImages: invalid dataset: "gaussian-blobs with samples of shape [4]" (allowed: images of shape [channels, height, width])',
    },
  ])('rejects: $message', ({ dataset, options, message }) => {
    expect(() => padImages(dataset, options)).toThrow(DatasetOptionsError);
    expect(() => padImages(dataset, options)).toThrow(message);
  });
});
