/**
 * ISO-BMFF boxes, the container of AVIF (and HEIF, MP4): a box is a 32-bit size, a four-letter
 * type, then its content, which may be more boxes. Both the frame count (discovery.ts) and the
 * pixel size (image-header.ts) of an AVIF file are read by walking them.
 */

/** Boxes that hold boxes after a 4-byte version and flags ("full boxes"); other containers hold them right away. */
const FULL_CONTAINERS = new Set(['meta']);

/** One box: its type, and where its content (after the size, type and any version and flags) starts and ends. */
export interface IsoBox {
  type: string;
  start: number;
  end: number;
}

const ascii = (view: DataView, offset: number, length: number): string =>
  offset + length <= view.byteLength ? String.fromCharCode(...new Uint8Array(view.buffer, view.byteOffset + offset, length)) : '';

/** The major and compatible brands of the file's leading ftyp box; none when the file does not start with one. */
export function isoBrands(view: DataView): string[] {
  if (ascii(view, 4, 4) !== 'ftyp') return [];
  const end = Math.min(view.byteLength, view.getUint32(0));
  const brands = [ascii(view, 8, 4)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(view, at, 4));
  return brands;
}

/**
 * Calls `visit` for every box on the way down the containers named in `enter` (the file's top
 * level first), in file order. A box cut short, or bytes that are not boxes, end the walk there.
 * It goes no deeper than `enter` has names: a file of containers nested thousands deep (8 bytes
 * each) would otherwise overflow the stack.
 */
export function walkIsoBoxes(view: DataView, enter: ReadonlySet<string>, visit: (box: IsoBox) => void): void {
  const walk = (start: number, end: number, depth: number): void => {
    for (let at = start; at + 8 <= end; ) {
      const type = ascii(view, at + 4, 4);
      let size = view.getUint32(at);
      let header = 8;
      if (size === 1) {
        if (at + 16 > end) return;
        size = Number(view.getBigUint64(at + 8));
        header = 16;
      } else if (size === 0) {
        size = end - at; // the box runs to the end of the file
      }
      if (size < header) return; // not boxes
      const box = { type, start: at + header + (FULL_CONTAINERS.has(type) ? 4 : 0), end: Math.min(end, at + size) };
      visit(box);
      if (enter.has(type) && depth < enter.size) walk(box.start, box.end, depth + 1);
      at += size;
    }
  };
  walk(0, view.byteLength, 0);
}
