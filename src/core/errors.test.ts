import { describe, expect, it } from 'vitest';
import { DenserThanShown, EnhanceError, isPageLeft, toFailure, unreachableCode, type FileAccess } from './errors';

describe('toFailure', () => {
  it('keeps the code and message of an EnhanceError', () => {
    const error = new EnhanceError('too-large', '5000x5000');
    expect(toFailure(error)).toEqual({ code: 'too-large', message: error.message });
    expect(error.message).toBe('This image is larger than the size limit in Enhance settings. (5000x5000)');
  });

  it("carries the pixels' size of a file laid out denser than its pixels, for the page to measure again", () => {
    expect(toFailure(new DenserThanShown({ width: 160, height: 120 }))).toMatchObject({ code: 'denser-than-shown', pixels: { width: 160, height: 120 } });
  });

  it('turns any other error into the fallback failure, without its words, which are for logs', () => {
    expect(toFailure(new Error('Kernel "Conv" failed'))).toEqual({ code: 'model-failed', message: 'The upscaling model failed on this image.' });
    expect(toFailure(new TypeError('Failed to fetch'), 'fetch-failed')).toEqual({ code: 'fetch-failed', message: 'Enhance could not download this image.' });
    expect(toFailure('lost')).toEqual({ code: 'model-failed', message: 'The upscaling model failed on this image.' });
  });

  it('keeps what failed underneath out of the message, and for the logs', () => {
    const error = EnhanceError.wrapping('model-failed', new Error('[WebGPU] Kernel "Conv" failed: buffer too large'));
    expect(toFailure(error)).toEqual({ code: 'model-failed', message: 'The upscaling model failed on this image.' });
    expect(error.underlying).toBe('[WebGPU] Kernel "Conv" failed: buffer too large');
  });
});

describe('memory running out', () => {
  const outOfMemory = { code: 'out-of-memory', message: 'The browser ran out of memory enhancing this image: a smaller scale, or a smaller largest tile side in Enhance settings, needs less, and closing other tabs frees some.' };

  it("says so, wherever it ran out: the result's pixels, WebAssembly memory, ORT's heap", () => {
    expect(toFailure(new RangeError('Array buffer allocation failed'))).toEqual(outOfMemory);
    expect(toFailure(new RangeError('Invalid typed array length: 4294967296'))).toEqual(outOfMemory);
    expect(toFailure(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'), 'fetch-failed')).toEqual(outOfMemory);
    expect(toFailure(EnhanceError.wrapping('model-failed', new Error('failed to call OrtRun(). ERROR_CODE: 6, ERROR_MESSAGE: std::bad_alloc')))).toEqual(outOfMemory);
    expect(toFailure(EnhanceError.wrapping('model-failed', new Error('Aborted(OOM)')))).toEqual(outOfMemory);
    expect(toFailure(new DOMException('The ImageBitmap could not be allocated.', 'InvalidStateError'))).toEqual(outOfMemory);
  });

  it('takes a typed array of a nonsense length for the bug it is, not memory', () => {
    expect(toFailure(new RangeError('Invalid typed array length: -4')).code).toBe('model-failed');
  });

  it('leaves a failure of ours with another cause as it is', () => {
    expect(toFailure(EnhanceError.wrapping('fetch-failed', new Error('Out of memory')))).toEqual({ code: 'fetch-failed', message: 'Enhance could not download this image.' });
  });
});

describe('unreachableCode', () => {
  it.each<[string | undefined, string, FileAccess, boolean, string]>([
    ['file:///home/me/photos/index.html', 'file:///home/me/photos/a.jpg', 'off', false, 'file-access-off'],
    // Without file access the tab's URL is hidden: the image's tells.
    [undefined, 'file:///home/me/photos/a.jpg', 'off', false, 'file-access-off'],
    ['file:///home/me/photos/index.html', 'https://photos.example/a.jpg', 'off', false, 'file-access-off'],
    ['file:///home/me/photos/index.html', 'file:///home/me/photos/a.jpg', 'allowed', false, 'page-unreachable'],
    // Firefox: no switch to name.
    ['file:///home/me/photos/index.html', 'file:///home/me/photos/a.jpg', 'never', false, 'file-closed'],
    ['chrome://version/', 'data:image/gif;base64,R0lGODlhAQABAAAAACw=', 'off', false, 'page-unreachable'],
    // A store page, which the browser keeps every extension out of.
    ['https://store.example/detail/x', 'https://images.example/a.png', 'off', false, 'page-unreachable'],
    // A web page's frame that went away after the right-click.
    ['https://news.example/story', 'https://ads.example/a.png', 'off', true, 'image-gone'],
    ['chrome://newtab/', 'https://ads.example/a.png', 'off', true, 'page-unreachable'],
  ])('page %s, image %s, file access %s, subframe %s: %s', (pageUrl, srcUrl, allowed, inSubframe, code) => {
    expect(unreachableCode(pageUrl, srcUrl, allowed, inSubframe)).toBe(code);
  });
});

describe('isPageLeft', () => {
  it.each([
    'A listener indicated an asynchronous response by returning true, but the message channel closed before a response was received',
    'The message port closed before a response was received.',
    'The page keeping the extension port is moved into back/forward cache, so the message channel is closed.',
    "Actor 'Conduits' destroyed before query 'RuntimeMessage' was resolved",
    'Message manager disconnected',
  ])('a page that unloaded mid-request: %s', (text) => {
    expect(isPageLeft(new Error(text))).toBe(true);
  });

  it('not a page that never had a script, nor any other failure', () => {
    expect(isPageLeft(new Error('Could not establish connection. Receiving end does not exist.'))).toBe(false);
    expect(isPageLeft(new Error('No tab with id: 12.'))).toBe(false);
  });
});
