/**
 * Upscale a PNG file with a shipped model, using the extension's engine code in Node.
 *
 *   npm run upscale -- in.png out.png [--scale 2|4] [--profile quality|fast] [--model file.onnx] [--tile N]
 */
import { parseArgs } from 'node:util';
import { readPng, writePng } from '../src/node/png';
import { upscaleWithModel } from '../src/node/engine';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    scale: { type: 'string', default: '4' },
    profile: { type: 'string', default: 'quality' },
    model: { type: 'string' },
    tile: { type: 'string' },
  },
});

if (positionals.length !== 2 || (values.profile !== 'quality' && values.profile !== 'fast')) {
  console.error('usage: npm run upscale -- in.png out.png [--scale 2|4] [--profile quality|fast] [--model file.onnx] [--tile N]');
  process.exit(2);
}

const [input, output] = positionals;
const started = performance.now();
const { image, model } = await upscaleWithModel(readPng(input), {
  scale: Number(values.scale),
  profile: values.profile,
  modelFile: values.model,
  maxTile: values.tile ? Number(values.tile) : undefined,
});
writePng(output, image);
console.log(`${input} -> ${output}: ${image.width}x${image.height} with ${model.name} in ${Math.round(performance.now() - started)} ms`);
