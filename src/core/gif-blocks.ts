/** A GIF's block structure, which states no frame count or image list up front: it is walked. */

/**
 * Where each image descriptor (0x2c) of a GIF starts, in order, past the extensions and each
 * image's data; the walk ends at the trailer, or at bytes that are not GIF blocks.
 */
export function* gifImageDescriptors(bytes: Uint8Array): Generator<number> {
  const colorTableSize = (flags: number): number => (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  const skipSubBlocks = (at: number): number => {
    while (at < bytes.length && bytes[at] !== 0) at += bytes[at] + 1;
    return at + 1;
  };
  let at = 13 + colorTableSize(bytes[10]);
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === 0x2c) {
      yield at;
      // 10-byte descriptor, local color table, LZW code size byte, then the data sub-blocks.
      at = skipSubBlocks(at + 10 + colorTableSize(bytes[at + 9]) + 1);
    } else if (block === 0x21) {
      at = skipSubBlocks(at + 2);
    } else {
      return; // 0x3b trailer, or bytes that are not GIF blocks
    }
  }
}
