/**
 * Upscale a PNG or JPEG file with a shipped model, using the extension's engine code in Node.
 *
 *   npm run upscale -- in.png|in.jpg out.png [--scale 2|4] [--profile quality|fast] [--model file.onnx] [--tile N]
 *
 * Exit codes: 0 done, 1 the upscale failed, 2 wrong arguments.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { colourChunksOf, withColourChunks } from '../src/node/colour-chunks';
import { upscaleFile } from '../src/node/engine';
import { encodePng } from '../src/node/png';
import { asksForHelp, failureLine, HELP, parseUpscaleArgs, UsageError, USAGE } from '../src/node/upscale-cli';

// npm runs scripts from the package's root; INIT_CWD is where the user typed the command.
const cwd = process.env.INIT_CWD ?? process.cwd();

async function upscale(args: string[]): Promise<void> {
  let withModelFile = false;
  try {
    const job = parseUpscaleArgs(args, cwd);
    withModelFile = job.modelFile !== undefined;
    const started = performance.now();
    const bytes = readFileSync(job.input);
    const { image, model } = await upscaleFile(bytes, { scale: job.scale, profile: job.profile, modelFile: job.modelFile, maxTile: job.tile });
    // The result is in the input's colour space: the output says which, as the input did.
    writeFileSync(job.output, withColourChunks(encodePng(image), colourChunksOf(bytes)));
    const [input, output] = [job.input, job.output].map((path) => relative(cwd, path));
    console.log(`${input} -> ${output}: ${image.width}x${image.height} with ${model.name} in ${Math.round(performance.now() - started)} ms`);
  } catch (error) {
    console.error(`upscale: ${failureLine(error, withModelFile)}`);
    if (error instanceof UsageError) console.error(USAGE);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}

const args = process.argv.slice(2);
if (asksForHelp(args)) console.log(HELP);
else await upscale(args);
