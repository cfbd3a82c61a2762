import { describe, expect, it } from 'vitest';
import { EnhanceError, toFailure } from './errors';

describe('toFailure', () => {
  it('keeps the code and message of an EnhanceError', () => {
    const error = new EnhanceError('too-large', '5000x5000');
    expect(toFailure(error)).toEqual({ code: 'too-large', message: error.message });
    expect(error.message).toBe('This image is larger than the size limit in Enhance settings. (5000x5000)');
  });

  it('turns any other error into the fallback failure, keeping its message as detail', () => {
    expect(toFailure(new Error('Out of memory'))).toEqual({
      code: 'model-failed',
      message: 'The upscaling model failed on this image. (Out of memory)',
    });
    expect(toFailure(new TypeError('Failed to fetch'), 'fetch-failed')).toEqual({
      code: 'fetch-failed',
      message: 'Enhance could not download this image. (Failed to fetch)',
    });
  });

  it('describes thrown values that are not errors', () => {
    expect(toFailure('lost').message).toMatch(/\(lost\)$/);
  });
});
