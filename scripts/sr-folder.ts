/**
 * Upscales every PNG in a folder with an ONNX model through the engine's own tiling path
 * (src/core/upscale.ts over onnxruntime-node), so the benchmark scores the shipped file:
 *
 *   npx tsx scripts/sr-folder.ts --model models/plksr-tiny-x4.onnx --scale 4 --in DIR --out DIR
 *
 * Options: --max-tile N (input pixels, default 512), --overlap N (default DEFAULT_OVERLAP),
 * --threads N (ORT intra-op threads, default: ORT's choice).
 * Output PNGs keep the input file names. One JSON line per image goes to stdout, then a summary.
 * training/evaluate.py drives this for the ONNX rows of the benchmark table.
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelEntry } from '../src/core/models';
import { DEFAULT_OVERLAP, upscaleImage } from '../src/core/upscale';
import { createRunner, unlistedModel } from '../src/node/engine';
import { readPng, writePng } from '../src/node/png';

function intOption(name: string, raw: string | undefined, min: number, fallback?: number): number {
  if (raw === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be an integer >= ${min}, got ${raw}`);
  return value;
}

/** The registry entry for the file when a models.json sits next to it, else a plain entry. */
function modelEntry(modelPath: string, scale: number): ModelEntry {
  const file = basename(modelPath);
  let registry: unknown;
  try {
    registry = JSON.parse(readFileSync(join(dirname(modelPath), 'models.json'), 'utf8'));
  } catch {
    return unlistedModel(modelPath, scale);
  }
  const models = (registry as { models?: ModelEntry[] }).models ?? [];
  const entry = models.find((m) => m.file === file);
  if (!entry) return unlistedModel(modelPath, scale);
  if (entry.scale !== scale) throw new Error(`${file} is x${entry.scale} in models.json, but --scale is ${scale}`);
  return entry;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      model: { type: 'string' },
      scale: { type: 'string' },
      in: { type: 'string' },
      out: { type: 'string' },
      'max-tile': { type: 'string' },
      overlap: { type: 'string' },
      threads: { type: 'string' },
    },
    strict: true,
  });
  if (!values.model || !values.in || !values.out) throw new Error('usage: sr-folder.ts --model FILE.onnx --scale S --in DIR --out DIR');
  const scale = intOption('scale', values.scale, 1);
  const maxTile = intOption('max-tile', values['max-tile'], 1, 512);
  const overlap = intOption('overlap', values.overlap, 0, DEFAULT_OVERLAP);
  const threads = intOption('threads', values.threads, 0, 0);

  const model = modelEntry(values.model, scale);
  const runner = await createRunner(model, resolve(values.model), threads);

  const files = readdirSync(values.in).filter((f) => f.toLowerCase().endsWith('.png')).sort();
  if (files.length === 0) throw new Error(`no PNG files in ${values.in}`);
  mkdirSync(values.out, { recursive: true });
  const started = performance.now();
  for (const file of files) {
    const t0 = performance.now();
    const image = readPng(join(values.in, file));
    let tiles = 0;
    const result = await upscaleImage(image, runner, { maxTile, overlap, onProgress: (_done, total) => (tiles = total) });
    writePng(join(values.out, file), result);
    const ms = Math.round(performance.now() - t0);
    console.log(JSON.stringify({ file, width: image.width, height: image.height, tiles, ms }));
  }
  console.log(JSON.stringify({ model: values.model, id: model.id, scale, images: files.length, maxTile, overlap, ms: Math.round(performance.now() - started) }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
