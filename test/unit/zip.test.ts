import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { zipFolder } from '../../scripts/zip';

/** Python's zipfile as the independent reader: it checks every CRC and returns each file's bytes. */
const READ_BACK = `
import base64, json, sys, zipfile
archive = zipfile.ZipFile(sys.argv[1])
assert archive.testzip() is None
print(json.dumps({info.filename: [info.compress_type, base64.b64encode(archive.read(info)).decode()] for info in archive.infolist()}))
`;

describe('zipFolder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enhance-zip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'package');
  mkdirSync(join(folder, 'assets', 'deep'), { recursive: true });
  const files: Record<string, Buffer> = {
    'manifest.json': Buffer.from('{"name": "x"}'),
    'assets/deep/ort.wasm': Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251)),
    'assets/empty.js': Buffer.alloc(0),
    'icons/größe.png': Buffer.from([137, 80, 78, 71]),
  };
  for (const [path, bytes] of Object.entries(files)) {
    mkdirSync(join(folder, path, '..'), { recursive: true });
    writeFileSync(join(folder, path), bytes);
  }

  it('holds every file, deflated, under its relative path, as another reader sees it', () => {
    const archive = join(dir, 'out.zip');
    writeFileSync(archive, zipFolder(folder));
    const read = JSON.parse(execFileSync('/usr/bin/python3', ['-c', READ_BACK, archive], { encoding: 'utf8' })) as Record<string, [number, string]>;
    expect(Object.keys(read).sort()).toEqual(Object.keys(files).sort());
    for (const [path, bytes] of Object.entries(files)) {
      expect(read[path][0]).toBe(8);
      expect(Buffer.from(read[path][1], 'base64').equals(bytes)).toBe(true);
    }
  });

  it('gives the same bytes for the same files, whenever and in whatever order they were written', () => {
    // The same files, written in the reverse order and dated a year apart.
    const again = join(dir, 'again');
    for (const [path, bytes] of Object.entries(files).reverse()) {
      mkdirSync(join(again, path, '..'), { recursive: true });
      writeFileSync(join(again, path), bytes);
      utimesSync(join(again, path), new Date('2020-06-01T12:00:00Z'), new Date('2020-06-01T12:00:00Z'));
    }
    expect(zipFolder(again).equals(zipFolder(folder))).toBe(true);
  });
});
