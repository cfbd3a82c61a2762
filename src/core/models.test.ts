import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { availableScales, modelForJob, parseRegistry, pickModel, SHIPPED_SCALES, type ModelEntry } from './models';

const shipped: unknown = JSON.parse(readFileSync(new URL('../../models/models.json', import.meta.url), 'utf8'));

function entry(overrides: Partial<Record<keyof ModelEntry, unknown>> = {}): Record<string, unknown> {
  return { id: 'm-x2', name: 'M x2', profile: 'quality', scale: 2, file: 'm-x2.onnx', input: 'input', output: 'output', params: 1000, sha256: 'ab12', ...overrides };
}

const withoutName = entry();
delete withoutName.name;

const registry = parseRegistry({
  version: 1,
  models: [
    entry({ id: 'q4', scale: 4, file: 'q4.onnx' }),
    entry({ id: 'q2', file: 'q2.onnx' }),
    entry({ id: 'f2', profile: 'fast', file: 'f2.onnx' }),
  ],
});

describe('parseRegistry', () => {
  it('accepts the shipped models/models.json', () => {
    const parsed = parseRegistry(shipped);
    expect(parsed.models.length).toBeGreaterThan(0);
    for (const model of parsed.models) expect(model.file).toMatch(/^[^/]+\.onnx$/);
  });

  it('gives the hash of each shipped file, which the result cache keys on', () => {
    for (const model of parseRegistry(shipped).models) {
      const bytes = readFileSync(new URL(`../../models/${model.file}`, import.meta.url));
      expect(model.sha256, model.file).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it.each([
    ['not an object', null],
    ['a wrong version', { version: 2, models: [] }],
    ['no model list', { version: 1 }],
  ])('rejects a registry with %s', (_, raw) => {
    expect(() => parseRegistry(raw)).toThrow(TypeError);
  });

  it.each([
    ['a missing field', withoutName, /name must be a non-empty string/],
    ['an empty field', entry({ input: '' }), /input must be a non-empty string/],
    ['an unknown profile', entry({ profile: 'turbo' }), /profile must be/],
    ['a file in a folder', entry({ file: '../m-x2.onnx' }), /bare \.onnx file name/],
    ['a file that is not .onnx', entry({ file: 'm-x2.bin' }), /bare \.onnx file name/],
    ['a fractional scale', entry({ scale: 1.5 }), /scale must be a positive integer/],
    ['no file hash', entry({ sha256: undefined }), /sha256 must be a non-empty string/],
    ['a zero parameter count', entry({ params: 0 }), /params must be a positive integer/],
    ['a PSNR that is not a number', entry({ set14Psnr: '32.1' }), /set14Psnr must be a PSNR in dB/],
    ['a negative PSNR', entry({ set14Psnr: -1 }), /set14Psnr must be a PSNR in dB/],
    ['an fp16 file in a folder', entry({ fp16File: 'x/m-x2.fp16.onnx' }), /fp16File must be a bare \.onnx file name/],
  ])('rejects an entry with %s', (_, bad, message) => {
    expect(() => parseRegistry({ version: 1, models: [entry({ id: 'ok' }), bad] })).toThrow(message);
  });

  it('keeps an fp16 variant', () => {
    const [model] = parseRegistry({ version: 1, models: [entry({ fp16File: 'm-x2.fp16.onnx' })] }).models;
    expect(model.fp16File).toBe('m-x2.fp16.onnx');
  });

  it('rejects a duplicate id', () => {
    expect(() => parseRegistry({ version: 1, models: [entry(), entry({ file: 'other.onnx' })] })).toThrow(/duplicate id m-x2/);
  });
});

describe('pickModel', () => {
  it('picks by scale and profile', () => {
    expect(pickModel(registry, 2, 'fast').id).toBe('f2');
    expect(pickModel(registry, 2, 'quality').id).toBe('q2');
    expect(pickModel(registry, 4, 'quality').id).toBe('q4');
  });

  it('falls back to the other profile when the asked one is missing at that scale', () => {
    expect(pickModel(registry, 4, 'fast').id).toBe('q4');
  });

  it('throws for a scale that is not shipped, naming the ones that are', () => {
    expect(() => pickModel(registry, 3, 'quality')).toThrow(/no model for x3; shipped: 2, 4/);
  });
});

describe('modelForJob', () => {
  const measured = (q2: number | undefined, f2: number | undefined) =>
    parseRegistry({
      version: 1,
      models: [entry({ id: 'q2', file: 'q2.onnx', set14Psnr: q2 }), entry({ id: 'f2', profile: 'fast', file: 'f2.onnx', set14Psnr: f2 }), entry({ id: 'q4', scale: 4, file: 'q4.onnx' })],
    });

  it('runs the quality model for quality when it measures sharper', () => {
    expect(modelForJob(measured(33.1, 32.7), 2, 'quality').id).toBe('q2');
  });

  it('runs the sharper fast model for quality while the quality model measures worse', () => {
    expect(modelForJob(measured(32.2, 32.7), 2, 'quality').id).toBe('f2');
    expect(modelForJob(measured(undefined, 32.7), 2, 'quality').id).toBe('f2');
  });

  it('keeps the quality model on a tie and when nothing is measured', () => {
    expect(modelForJob(measured(32.7, 32.7), 2, 'quality').id).toBe('q2');
    expect(modelForJob(measured(undefined, undefined), 2, 'quality').id).toBe('q2');
    expect(modelForJob(measured(33, 32), 4, 'quality').id).toBe('q4');
  });

  it('runs the fast model for fast, however it measures', () => {
    expect(modelForJob(measured(33.1, 32.7), 2, 'fast').id).toBe('f2');
  });
});

describe('availableScales', () => {
  it('lists each scale once, ascending', () => {
    expect(availableScales(registry)).toEqual([2, 4]);
  });
});

describe('SHIPPED_SCALES', () => {
  it('lists exactly the scales of the shipped models/models.json', () => {
    expect(SHIPPED_SCALES).toEqual(availableScales(parseRegistry(shipped)));
  });
});
