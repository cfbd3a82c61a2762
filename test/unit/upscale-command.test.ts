/**
 * `npm run upscale` as a user runs it: a real upscale from another folder, and bad input that
 * ends in one line saying why and an exit code (1: the upscale failed, 2: wrong arguments), never
 * in a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import jpeg from 'jpeg-js';
import { cropTo, psnrY } from '../../src/core/metrics';
import { upscaleBicubic } from '../../src/core/resize';
import { pngChunk } from '../../src/node/colour-chunks';
import { readPng, writePng } from '../../src/node/png';

const ROOT = join(import.meta.dirname, '../..');
const BENCH = join(ROOT, '../shared/data/bench');
const dir = mkdtempSync(join(tmpdir(), 'enhance-upscale-command-'));
beforeAll(() => writePng(join(dir, 'small.png'), cropTo(readPng(join(BENCH, 'Set5/LR_bicubic/X2/birdx2.png')), 40, 30)));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command from `dir`, as npm would with INIT_CWD set to the user's folder. */
function upscale(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'scripts/upscale.ts'), ...args], { cwd: ROOT, env: { ...process.env, INIT_CWD: dir }, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** A PNG signature and header that state `width` x `height`, and no pixels. */
function pngHeaderOnly(width: number, height: number): Buffer {
  const header = Buffer.alloc(33);
  Buffer.from('\x89PNG\r\n\x1a\n', 'latin1').copy(header, 0);
  header.writeUInt32BE(13, 8);
  header.write('IHDR', 12, 'latin1');
  header.writeUInt32BE(width, 16);
  header.writeUInt32BE(height, 20);
  header.set([8, 6, 0, 0, 0], 24);
  return header;
}

/** A GIF's header stating `width` x `height`. */
function gifHeaderOnly(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.write('GIF89a', 0, 'latin1');
  header.writeUInt16LE(width, 6);
  header.writeUInt16LE(height, 8);
  return header;
}

/** An 8 x 8 grey baseline JPEG, as jpeg-js writes it. */
function baselineJpeg(): Buffer {
  return Buffer.from(jpeg.encode({ width: 8, height: 8, data: Buffer.alloc(8 * 8 * 4, 128) }, 90).data);
}

/** `file` with its frame header (SOF0, from its marker on) changed by `change`. */
function withFrameHeader(file: Buffer, change: (sof: Buffer) => void): Buffer {
  const at = file.indexOf(Buffer.from([0xff, 0xc0]));
  change(file.subarray(at));
  return file;
}

/** The start of a JPEG whose frame has four channels and no Adobe marker before it: all a reader looks at first. */
function cmykFrameOnly(): Buffer {
  const components = [1, 2, 3, 4].flatMap((id) => [id, 0x11, 0]);
  return Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0, 8 + components.length, 8, 0, 8, 0, 8, 4, ...components, 0xff, 0xd9]);
}

/**
 * A flat grey JPEG of `width` x `height` with a comment just before its frame header whose length
 * says one byte more than it holds: it swallows the frame marker's first byte, which the decoder
 * (jpeg-js, as libjpeg) takes back, where a reader walking the segments stops.
 */
function jpegWithLongComment(width: number, height: number): Buffer {
  const encoded = Buffer.from(jpeg.encode({ width, height, data: Buffer.alloc(width * height * 4, 128) }, 10).data);
  const frame = encoded.indexOf(Buffer.from([0xff, 0xc0]));
  const comment = Buffer.from([0xff, 0xfe, 0x00, 0x05, 0x41, 0x42]);
  return Buffer.concat([encoded.subarray(0, frame), comment, encoded.subarray(frame)]);
}

describe('npm run upscale', () => {
  it('upscales a PNG named from the folder the command was typed in', () => {
    const run = upscale('small.png', 'small-x2.png', '--scale', '2', '--profile', 'fast');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^small\.png -> small-x2\.png: 80x60 with /);
    const out = readPng(join(dir, 'small-x2.png'));
    expect([out.width, out.height]).toEqual([80, 60]);
  });

  it.each([
    ['a file that is not a PNG or JPEG', () => writeFileSync(join(dir, 'notes.png'), 'just text'), ['notes.png', 'out.png'], 'upscale: Enhance could not read this file as an image. (not a PNG or JPEG file)'],
    ['a JPEG cut short', () => writeFileSync(join(dir, 'cut.jpg'), readFileSync(join(ROOT, 'test/e2e/files/exif-orientation-6.jpg')).subarray(0, 600)), ['cut.jpg', 'out.png'], expect.stringMatching(/^upscale: Enhance could not read this file as an image\. \(a damaged or cut-short JPEG\)/)],
    // Sound files the decoder cannot read: said so, not called damaged, nor decoded into noise (a 12-bit one was).
    ['a 12-bit JPEG', () => writeFileSync(join(dir, 'deep.jpg'), withFrameHeader(baselineJpeg(), (sof) => (sof[4] = 12))), ['deep.jpg', 'out.png'], 'upscale: Enhance could not read this file as an image. (a 12-bit JPEG: only 8-bit JPEGs are read)'],
    ['a lossless JPEG', () => writeFileSync(join(dir, 'lossless.jpg'), withFrameHeader(baselineJpeg(), (sof) => (sof[1] = 0xc3))), ['lossless.jpg', 'out.png'], 'upscale: Enhance could not read this file as an image. (a lossless or arithmetic-coded JPEG: only baseline and progressive JPEGs are read)'],
    ['a CMYK JPEG with no Adobe marker', () => writeFileSync(join(dir, 'cmyk.jpg'), cmykFrameOnly()), ['cmyk.jpg', 'out.png'], 'upscale: Enhance could not read this file as an image. (a four-channel (CMYK) JPEG without the Adobe marker that says how its colours are stored)'],
    // Refused on its header: decoding first would ask for gigabytes.
    ['a PNG stating 20000x20000 pixels', () => writeFileSync(join(dir, 'huge.png'), pngHeaderOnly(20000, 20000)), ['huge.png', 'out.png'], 'upscale: the image is too large: 20000x20000 is over 4,194,304 pixels (x2 of it would be over 16,777,216 pixels)'],
    // Not judged by its size first: the advice to upscale it x2 would only lead to this refusal.
    ['a GIF stating 1500x1500 pixels', () => writeFileSync(join(dir, 'big.gif'), gifHeaderOnly(1500, 1500)), ['big.gif', 'out.png'], 'upscale: Enhance could not read this file as an image. (not a PNG or JPEG file)'],
    // Its header gives no size: refused on its pixels, not upscaled past the output limit.
    ['a JPEG of 1500x1500 whose segments the header reader cannot walk', () => writeFileSync(join(dir, 'long-comment.jpg'), jpegWithLongComment(1500, 1500)), ['long-comment.jpg', 'out.png'], 'upscale: x4 of 1500x1500 would exceed 16,777,216 output pixels: an x2 upscale fits it'],
    ['a model file and a --scale it does not have', () => undefined, ['small.png', 'out.png', '--model', join(ROOT, 'models/plksr-fast-x2.onnx'), '--scale', '4'], 'upscale: plksr-fast-x2.onnx upscales x2, not x4'],
  ])('%s: exit 1 and one line saying why', (_, make, args, line) => {
    make();
    const run = upscale(...args);
    expect(run.stderr.trim()).toEqual(line);
    expect(run.stderr.trim()).not.toMatch(/\n/);
    expect(run.status).toBe(1);
  });

  it('upscales a JPEG, upright as a browser shows it (its EXIF orientation turns it a quarter)', () => {
    const file = readFileSync(join(ROOT, 'test/e2e/files/exif-orientation-6.jpg'));
    writeFileSync(join(dir, 'sideways.jpg'), file);
    const run = upscale('sideways.jpg', 'sideways-x2.png', '--scale', '2', '--profile', 'fast');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // Stored 86 x 57; orientation 6 stands it up, 57 x 86.
    const out = readPng(join(dir, 'sideways-x2.png'));
    expect([out.width, out.height]).toEqual([114, 172]);
    // The picture turned a quarter clockwise, not anticlockwise (orientation 8, the same size): worked out here, by hand.
    const stored = jpeg.decode(file, { useTArray: true, formatAsRGBA: true });
    const turn = (clockwise: boolean) => {
      const [w, h] = [stored.height, stored.width];
      const data = new Uint8ClampedArray(w * h * 4);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const [sx, sy] = clockwise ? [y, stored.height - 1 - x] : [stored.width - 1 - y, x];
          data.set(stored.data.subarray((sy * stored.width + sx) * 4, (sy * stored.width + sx) * 4 + 4), (y * w + x) * 4);
        }
      }
      return upscaleBicubic({ width: w, height: h, data }, 2);
    };
    const [clockwise, anticlockwise] = [psnrY(out, turn(true), 2), psnrY(out, turn(false), 2)];
    expect(clockwise).toBeGreaterThan(anticlockwise + 5);
  });

  it("writes the colour space the input states into the PNG it makes: a PNG's own chunks, a JPEG's ICC profile (in parts)", () => {
    const gamma = pngChunk('gAMA', Buffer.from([0, 1, 0x86, 0xa0]));
    const plain = readFileSync(join(dir, 'small.png'));
    // After the header (33 bytes), where the format wants them.
    writeFileSync(join(dir, 'linear.png'), Buffer.concat([plain.subarray(0, 33), gamma, plain.subarray(33)]));
    expect(upscale('linear.png', 'linear-x2.png', '--scale', '2', '--profile', 'fast').status).toBe(0);
    const out = readFileSync(join(dir, 'linear-x2.png'));
    expect(out.subarray(33, 33 + gamma.length).equals(gamma)).toBe(true);
    expect(readPng(join(dir, 'linear-x2.png')).width).toBe(80);

    // A made-up RGB profile of 300 bytes in two APP2 segments, the second first: joined by their numbers.
    const profile = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
    profile.write('RGB ', 16, 'latin1');
    const segment = (sequence: number, part: Buffer) => {
      const body = Buffer.concat([Buffer.from('ICC_PROFILE\0', 'latin1'), Buffer.from([sequence, 2]), part]);
      const head = Buffer.from([0xff, 0xe2, 0, 0]);
      head.writeUInt16BE(body.length + 2, 2);
      return Buffer.concat([head, body]);
    };
    const small = readPng(join(dir, 'small.png'));
    const encoded = jpeg.encode({ width: small.width, height: small.height, data: Buffer.from(small.data) }, 95).data;
    writeFileSync(join(dir, 'profiled.jpg'), Buffer.concat([encoded.subarray(0, 2), segment(2, profile.subarray(200)), segment(1, profile.subarray(0, 200)), encoded.subarray(2)]));
    expect(upscale('profiled.jpg', 'profiled-x2.png', '--scale', '2', '--profile', 'fast').status).toBe(0);
    const written = readFileSync(join(dir, 'profiled-x2.png'));
    expect(written.toString('latin1', 37, 41)).toBe('iCCP');
    const iccp = written.subarray(41, 41 + written.readUInt32BE(33));
    const nameEnd = iccp.indexOf(0);
    expect(iccp[nameEnd + 1]).toBe(0);
    expect(inflateSync(iccp.subarray(nameEnd + 2)).equals(profile)).toBe(true);
    // Its checksum holds: the decoder checks it.
    expect(readPng(join(dir, 'profiled-x2.png')).width).toBe(80);
    // A grey profile cannot describe the RGB output: left out.
    const grey = Buffer.from(profile);
    grey.write('GRAY', 16, 'latin1');
    writeFileSync(join(dir, 'grey-profiled.jpg'), Buffer.concat([encoded.subarray(0, 2), segment(1, grey.subarray(0, 200)), segment(2, grey.subarray(200)), encoded.subarray(2)]));
    expect(upscale('grey-profiled.jpg', 'grey-profiled-x2.png', '--scale', '2', '--profile', 'fast').status).toBe(0);
    expect(readFileSync(join(dir, 'grey-profiled-x2.png')).toString('latin1', 37, 41)).toBe('IDAT');
    // A file that states no space gets none: read as sRGB, as the browser shows it.
    expect(upscale('small.png', 'plain-x2.png', '--scale', '2', '--profile', 'fast').status).toBe(0);
    expect(readFileSync(join(dir, 'plain-x2.png')).toString('latin1', 37, 41)).toBe('IDAT');
  });

  it('wrong arguments: exit 2, why and the usage line', () => {
    const run = upscale('small.png', 'out.png', '--bogus');
    expect(run.stderr).toMatch(/^upscale: Unknown option '--bogus'.*\nusage: npm run upscale -- in\.png\|in\.jpg out\.png/);
    expect(run.status).toBe(2);
  });
});
