/**
 * The colour space a PNG or JPEG file states, carried over to the PNG the command line writes.
 * Node's decoders give the file's numbers as stored, unconverted (a browser converts them to the
 * screen's space), and the model works on those numbers: the result is in the file's space, and
 * without the statement a viewer would read it as sRGB (a Display P3 or Adobe RGB photo would look
 * dull).
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { jpegSegments, pngChunksBeforePixels } from '../core/image-header';
import { isJpeg } from './image-file';

/** PNG chunks that say how to read the colours (before the pixels, as the format requires). */
const COLOUR_CHUNKS = new Set(['iCCP', 'sRGB', 'gAMA', 'cHRM', 'cICP']);
const PNG_SIGNATURE_BYTES = 8;
const JPEG_ICC_MARKER = Buffer.from('ICC_PROFILE\0', 'latin1');

/**
 * The colour chunks of a PNG, or one iCCP chunk for a JPEG's ICC profile; none for a file that
 * states no space (sRGB then). A grey or CMYK profile is left out: the output is RGB, which such a
 * profile cannot describe (decoders refuse the file).
 */
export function colourChunksOf(bytes: Buffer): Buffer[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (isJpeg(bytes)) {
    const profile = jpegIccProfile(bytes, view);
    return profile && isRgbProfile(profile) ? [pngChunk('iCCP', Buffer.concat([Buffer.from('ICC profile\0\0', 'latin1'), deflateSync(profile)]))] : [];
  }
  const chunks: Buffer[] = [];
  for (const { type, at, length } of pngChunksBeforePixels(view)) {
    const end = at + 12 + length;
    if (end > bytes.length) break;
    if (COLOUR_CHUNKS.has(type) && (type !== 'iCCP' || isRgbProfile(iccpProfile(bytes.subarray(at + 8, end - 4))))) chunks.push(bytes.subarray(at, end));
  }
  return chunks;
}

/** `png` with `chunks` put right after its header: where a decoder looks for them. */
export function withColourChunks(png: Buffer, chunks: Buffer[]): Buffer {
  if (chunks.length === 0) return png;
  const headerEnd = PNG_SIGNATURE_BYTES + 12 + png.readUInt32BE(PNG_SIGNATURE_BYTES);
  return Buffer.concat([png.subarray(0, headerEnd), ...chunks, png.subarray(headerEnd)]);
}

/**
 * A JPEG's ICC profile: APP2 segments marked ICC_PROFILE, each with its sequence number, joined
 * in that order. Undefined when there is none, or a part is missing.
 */
function jpegIccProfile(bytes: Buffer, view: DataView): Buffer | undefined {
  const parts = new Map<number, Buffer>();
  let count = 0;
  for (const { marker, at } of jpegSegments(view)) {
    const body = bytes.subarray(at + 4, at + 2 + view.getUint16(at + 2));
    if (marker === 0xe2 && body.subarray(0, JPEG_ICC_MARKER.length).equals(JPEG_ICC_MARKER) && body.length > JPEG_ICC_MARKER.length + 2) {
      parts.set(body[JPEG_ICC_MARKER.length], body.subarray(JPEG_ICC_MARKER.length + 2));
      count = body[JPEG_ICC_MARKER.length + 1];
    }
  }
  if (count === 0 || parts.size !== count) return undefined;
  const ordered: Buffer[] = [];
  for (let sequence = 1; sequence <= count; sequence++) {
    const part = parts.get(sequence);
    if (!part) return undefined;
    ordered.push(part);
  }
  return Buffer.concat(ordered);
}

/** An iCCP chunk's profile: after its name, a zero and the compression method; undefined when it does not inflate. */
function iccpProfile(data: Buffer): Buffer | undefined {
  try {
    return inflateSync(data.subarray(data.indexOf(0) + 2));
  } catch {
    return undefined;
  }
}

/** An ICC profile's data colour space, at bytes 16 to 19 of its header, is RGB. */
function isRgbProfile(profile: Buffer | undefined): boolean {
  return profile !== undefined && profile.toString('latin1', 16, 20) === 'RGB ';
}

/** A PNG chunk: length, type, data, and the CRC-32 of type and data. */
export function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}
