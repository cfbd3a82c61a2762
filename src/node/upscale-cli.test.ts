import { linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EnhanceError } from '../core/errors';
import { checkImageSize, MAX_INPUT_PIXELS } from '../core/limits';
import { decodeImageFile } from './image-file';
import { readPng } from './png';
import { asksForHelp, failureLine, parseUpscaleArgs, UsageError } from './upscale-cli';

const dir = mkdtempSync(join(tmpdir(), 'enhance-upscale-cli-'));
writeFileSync(join(dir, 'in.png'), '');
writeFileSync(join(dir, 'model.onnx'), '');
// The input by other names: a symbolic link and a hard link.
symlinkSync(join(dir, 'in.png'), join(dir, 'link.png'));
linkSync(join(dir, 'in.png'), join(dir, 'hard.png'));
// A link to itself: looking at it fails on every Node (ELOOP), unlike a missing file.
symlinkSync(join(dir, 'loop.png'), join(dir, 'loop.png'));
// Folders where the output would go: one named as a PNG, and one given as where to put it.
mkdirSync(join(dir, 'taken.png'));
mkdirSync(join(dir, 'results'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const parse = (...args: string[]) => parseUpscaleArgs(args, dir);
const refusal = (...args: string[]) => {
  try {
    parse(...args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${args.join(' ')}`);
};

describe('parseUpscaleArgs', () => {
  it('takes paths from the folder the command was typed in, x4 quality by default', () => {
    expect(parse('in.png', 'out.png')).toEqual({ input: join(dir, 'in.png'), output: join(dir, 'out.png'), scale: 4, profile: 'quality', modelFile: undefined, tile: undefined });
  });

  it('reads the options', () => {
    expect(parse('in.png', '/tmp/out.png', '--scale', '2', '--profile', 'fast', '--tile=128')).toMatchObject({ output: '/tmp/out.png', scale: 2, profile: 'fast', tile: 128 });
  });

  it("leaves a model file's scale to the file unless --scale names one", () => {
    expect(parse('in.png', 'out.png', '--model', 'model.onnx')).toMatchObject({ scale: undefined, modelFile: join(dir, 'model.onnx') });
    expect(parse('in.png', 'out.png', '--model', 'model.onnx', '--scale', '2')).toMatchObject({ scale: 2 });
  });

  it.each([
    [['in.png'], /expected an input and an output file, got 1 name$/],
    [['in.png', 'out.png', '--bogus'], /Unknown option '--bogus'/],
    [['in.png', 'out.png', '--profile', 'best'], /--profile is quality or fast, not "best"/],
    [['in.png', 'out.png', '--scale', '3'], /no model upscales x3: the shipped models upscale x2 and x4/],
    [['in.png', 'out.png', '--scale', 'abc'], /--scale takes a whole number, not "abc"/],
    [['in.png', 'out.png', '--tile', 'abc'], /--tile takes a whole number/],
    [['in.png', 'out.png', '--tile', '50'], /--tile is from 64 to 1024 pixels, not 50/],
    [['missing.png', 'out.png'], /there is no file .*missing\.png/],
    [['loop.png', 'out.png'], /cannot read .*loop\.png \(ELOOP\)$/],
    [['in.png', 'out.png', '--model', 'none.onnx'], /there is no file .*none\.onnx/],
    [['in.png', 'in.png'], /would overwrite the input/],
    [['in.png', 'link.png'], /would overwrite the input/],
    [['in.png', 'hard.png'], /would overwrite the input/],
    [['in.png', 'photo.x2.jpg'], /the output is a PNG file: name it photo\.x2\.png$/],
    [['in.png', 'no-folder/out.png'], /cannot write into .*no-folder/],
    [['in.png', 'in.png/out.png'], /in\.png is not a folder/],
    [['.', 'out.png'], /is not a file/],
    [['in.png', 'taken.png'], /taken\.png is a folder: name the output file$/],
    [['in.png', 'results/'], /results is a folder: name the output file$/],
    [['in.png', 'out.png', '--model', 'model.onnx', '--profile', 'fast'], /--profile chooses a shipped model: leave it out with --model$/],
  ])('refuses %j', (args, message) => {
    expect(refusal(...args)).toMatch(message);
  });
});

describe('asksForHelp', () => {
  it('hears --help and -h anywhere, and nothing else', () => {
    expect(asksForHelp(['--help'])).toBe(true);
    expect(asksForHelp(['in.png', '-h'])).toBe(true);
    expect(asksForHelp(['in.png', 'out.png', '--scale', '2'])).toBe(false);
    expect(asksForHelp(['help.png', 'out.png'])).toBe(false);
  });
});

describe('failureLine', () => {
  const sizeFailure = (width: number, height: number, scale: number, withModelFile = false) => {
    try {
      checkImageSize(width, height, scale, MAX_INPUT_PIXELS);
    } catch (error) {
      return failureLine(error, withModelFile);
    }
    throw new Error('within the limits');
  };

  it('states the sizes of a refused image, in terms of the file', () => {
    expect(sizeFailure(8000, 8000, 2)).toBe('the image is too large: 8000x8000 is over 4,194,304 pixels (x2 of it would be over 16,777,216 pixels)');
    expect(sizeFailure(2000, 2000, 4)).toBe('x4 of 2000x2000 would exceed 16,777,216 output pixels: an x2 upscale fits it');
    expect(sizeFailure(9000, 10, 4)).toBe("x4 of 9000x10 would be over 32767 pixels on a side: more than browsers can draw, where Enhance's results go; an x2 upscale fits it");
    expect(sizeFailure(20000, 10, 2)).toMatch(/^x2 of 20000x10 would be over 32767 pixels on a side: more than browsers can draw, where Enhance's results go$/);
  });

  it("with a model file of the user's, points to a shipped x2 model, not to --scale 2, which that file would refuse", () => {
    expect(sizeFailure(2000, 2000, 4, true)).toBe('x4 of 2000x2000 would exceed 16,777,216 output pixels: a shipped x2 model fits it (leave out --model, give --scale 2)');
  });

  it("gives the engine's message with what failed underneath", () => {
    expect(failureLine(new EnhanceError('model-failed', undefined, 'output has 5 values'))).toBe('The upscaling model failed on this image. (output has 5 values)');
    expect(failureLine(new EnhanceError('not-an-image', 'not a PNG file'))).toBe('Enhance could not read this file as an image. (not a PNG file)');
    expect(failureLine(new RangeError('model.onnx upscales x2, not x4'))).toBe('model.onnx upscales x2, not x4');
  });

  it('says what to do where memory ran out, in the model (ORT) or in JavaScript', () => {
    const advice = /^memory ran out \((std::bad_alloc|Array buffer allocation failed)\): a smaller --tile \(the model works on one tile at a time\) or a smaller scale needs less$/;
    expect(failureLine(new EnhanceError('model-failed', undefined, 'std::bad_alloc'))).toMatch(advice);
    expect(failureLine(new RangeError('Array buffer allocation failed'))).toMatch(advice);
    // Not a usage error's path that happens to spell it.
    expect(failureLine(new UsageError('there is no file /data/oom/in.png'))).toBe('there is no file /data/oom/in.png');
  });
});

describe('decodeImageFile', () => {
  it('refuses an animated PNG, as the extension does, rather than upscale one frame of it as the picture', () => {
    expect(() => decodeImageFile(readFileSync(new URL('../core/__fixtures__/animated.png', import.meta.url)))).toThrow(expect.objectContaining({ code: 'animated' }));
  });

  it('reads a JPEG stored as RGB (Adobe marker, transform 0; or channels named R, G, B) in its colours, as browsers do, not as YCbCr', () => {
    // Red (220, 30, 30) on the left half, blue (30, 30, 220) on the right (make_fixtures.py, cjpeg -rgb).
    const file = readFileSync(new URL('../core/__fixtures__/rgb-adobe.jpg', import.meta.url));
    // Without Adobe's marker (its 16 bytes right after the start), the channels' names, 'R', 'G', 'B', say RGB.
    expect(file.subarray(2, 4)).toEqual(Buffer.from([0xff, 0xee]));
    for (const bytes of [file, Buffer.concat([file.subarray(0, 2), file.subarray(18)])]) {
      const { width, data } = decodeImageFile(bytes);
      const pixel = (x: number) => [...data.subarray(4 * x, 4 * x + 3)];
      for (const [x, colour] of [[0, [220, 30, 30]], [width - 1, [30, 30, 220]]] as const) {
        for (const [channel, value] of pixel(x).entries()) expect(Math.abs(value - colour[channel])).toBeLessThanOrEqual(2);
      }
    }
  });

  it('reads a JPEG whose colour is stored at half the resolution (4:2:0) with smooth colour edges, as libjpeg and browsers do, not in blocks', () => {
    // Red, blue and green fields meeting mid-pair of the halved colour (make_fixtures.py), and libjpeg's pixels of it (PIL).
    const file = readFileSync(new URL('../core/__fixtures__/chroma-420.jpg', import.meta.url));
    const libjpeg = readPng(fileURLToPath(new URL('../core/__fixtures__/chroma-420-libjpeg.png', import.meta.url)));
    // Also with Photoshop's Adobe marker saying YCbCr (transform 1) right after the start, which the decoder lets override its caller.
    const adobe = Buffer.from([0xff, 0xee, 0, 14, ...Buffer.from('Adobe'), 0, 100, 0, 0, 0, 0, 1]);
    for (const bytes of [file, Buffer.concat([file.subarray(0, 2), adobe, file.subarray(2)])]) {
      const decoded = decodeImageFile(bytes);
      expect([decoded.width, decoded.height]).toEqual([libjpeg.width, libjpeg.height]);
      let worst = 0;
      for (let i = 0; i < decoded.data.length; i++) if (i % 4 !== 3) worst = Math.max(worst, Math.abs(decoded.data[i] - libjpeg.data[i]));
      // The decoders' transforms round differently by a level or two; colour repeated in 2 x 2 blocks is tens of levels off at the edges.
      expect(worst).toBeLessThanOrEqual(4);
    }
  });

  it('reads a YCbCr JPEG (the usual) in its colours too', () => {
    // The 13 x 7 teal (0, 128, 128) of make_fixtures.py, saved by PIL (a JFIF file), which libjpeg (PIL) reads as (0, 128, 131).
    const { data } = decodeImageFile(readFileSync(new URL('../core/__fixtures__/size-13x7.jpg', import.meta.url)));
    for (const [channel, value] of [...data.subarray(0, 3)].entries()) expect(Math.abs(value - [0, 128, 131][channel])).toBeLessThanOrEqual(1);
  });
});
