/**
 * What `npm run upscale` is asked to do, read from its arguments, and its failures in words for a
 * terminal: the engine's messages speak of the browser (settings, pages), which a file has none of.
 */
import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EnhanceError, isOutOfMemory, textOf } from '../core/errors';
import { MAX_OUTPUT_PIXELS } from '../core/limits';
import { SHIPPED_SCALES, type Profile } from '../core/models';
import { DEFAULT_SETTINGS } from '../shared/settings';

export const USAGE = 'usage: npm run upscale -- in.png|in.jpg out.png [--scale 2|4] [--profile quality|fast] [--model file.onnx] [--tile 64..1024]';

/** What --help prints: the usage line, and what each part means. */
export const HELP = `${USAGE}

Upscales a PNG or JPEG file with Enhance's shipped models (the extension's engine, in Node) and
writes a PNG. Paths are taken from the folder you ran the command in.

  --scale 2|4                4 by default
  --profile quality|fast     quality by default; fast is several times faster, a little less sharp
  --model file.onnx          a model file of your own instead (its scale unless --scale is given)
  --tile 64..1024            the largest tile side in pixels, ${DEFAULT_SETTINGS.maxTile} by default: smaller needs less memory

Exit codes: 0 done, 1 the upscale failed, 2 wrong arguments.`;

/** Whether the user asks what the command takes (--help, -h) rather than to upscale. */
export function asksForHelp(args: string[]): boolean {
  return args.some((arg) => arg === '--help' || arg === '-h');
}

/** The widths a tile may have: the settings' range for the extension's tile size. */
const TILE_RANGE = [64, 1024] as const;

/** Wrong arguments: the message and the usage line are printed, and the exit code is 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface UpscaleJob {
  input: string;
  output: string;
  /** 4 by default; undefined with a model file and no --scale: the file's own scale is used. */
  scale: number | undefined;
  profile: Profile;
  modelFile: string | undefined;
  tile: number | undefined;
}

function integer(text: string, name: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--${name} takes a whole number, not "${text}"`);
  return Number(text);
}

/**
 * Reads the arguments; paths are taken from `cwd`, the folder the user ran npm in (npm itself runs
 * scripts from the package's root). The output's folder is checked now, not after minutes of work.
 */
export function parseUpscaleArgs(args: string[], cwd: string): UpscaleJob {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { scale: { type: 'string' }, profile: { type: 'string' }, model: { type: 'string' }, tile: { type: 'string' } },
    });
  } catch (error) {
    throw new UsageError(textOf(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new UsageError(`expected an input and an output file, got ${positionals.length} name${positionals.length === 1 ? '' : 's'}`);
  const profile = values.profile ?? 'quality';
  if (profile !== 'quality' && profile !== 'fast') throw new UsageError(`--profile is quality or fast, not "${profile}"`);
  // It chooses among the shipped models: beside a model file of the user's it would go unheard.
  if (values.profile !== undefined && values.model !== undefined) throw new UsageError('--profile chooses a shipped model: leave it out with --model');
  // x4 by default; a model file has a scale of its own, which --scale, if given, must match.
  const scale = values.scale === undefined ? (values.model === undefined ? 4 : undefined) : integer(values.scale, 'scale');
  if (scale !== undefined && values.model === undefined && !SHIPPED_SCALES.includes(scale)) {
    throw new UsageError(`no model upscales x${scale}: the shipped models upscale ${SHIPPED_SCALES.map((s) => `x${s}`).join(' and ')}`);
  }
  const tile = values.tile === undefined ? undefined : integer(values.tile, 'tile');
  if (tile !== undefined && (tile < TILE_RANGE[0] || tile > TILE_RANGE[1])) throw new UsageError(`--tile is from ${TILE_RANGE[0]} to ${TILE_RANGE[1]} pixels, not ${tile}`);
  const [input, output] = positionals.map((path) => resolve(cwd, path));
  const modelFile = values.model === undefined ? undefined : resolve(cwd, values.model);
  for (const file of [input, modelFile]) {
    if (file === undefined) continue;
    let found;
    try {
      found = statSync(file, { throwIfNoEntry: false });
    } catch (error) {
      // A folder that may not be read, a loop of links (and, before Node 22, a path through a file: `a.png/b.png`).
      throw new UsageError(`cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? textOf(error)})`);
    }
    if (!found) throw new UsageError(`there is no file ${file}`);
    if (!found.isFile()) throw new UsageError(`${file} is not a file`);
  }
  // The same file by another name too (a link; a case-insensitive disk's other spelling): it would be lost.
  if (input === output || sameFile(input, output)) throw new UsageError('the output would overwrite the input: give it another name');
  // The output itself too, where it exists (it is then replaced), not after minutes of work; a
  // folder first (`out/`: where to put it), which no other name would mend.
  const existing = statOf(output);
  if (existing?.isDirectory()) throw new UsageError(`${output} is a folder: name the output file`);
  // Written as a PNG whatever its name says: a JPEG of the result would blur what the model sharpened.
  if (!/\.png$/i.test(output)) throw new UsageError(`the output is a PNG file: name it ${basename(output).replace(/\.[^.]*$/, '')}.png`);
  const folder = dirname(output);
  try {
    if (!statSync(folder).isDirectory()) throw new UsageError(`${folder} is not a folder`);
    accessSync(folder, constants.W_OK);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot write into ${folder}: ${textOf(error)}`);
  }
  try {
    if (existing) accessSync(output, constants.W_OK);
  } catch (error) {
    throw new UsageError(`cannot write ${output}: ${textOf(error)}`);
  }
  return { input, output, scale, profile, modelFile, tile };
}

/** What is at `path`; undefined where nothing is, or where it cannot be looked at (its folder is a file), which the folder's check says. */
function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** Whether both paths name one file that exists. */
function sameFile(a: string, b: string): boolean {
  const [first, second] = [statOf(a), statOf(b)];
  return first !== undefined && second !== undefined && first.dev === second.dev && first.ino === second.ino;
}

/**
 * The line printed for a failure: the size limits in terms of the file, the engine's message for
 * the rest, with what failed underneath. The input limit is x2's output limit, so an image the
 * output limit turns away at x4 always fits at x2: with a shipped x2 model, which a model file of
 * the user's (`withModelFile`) is not.
 */
export function failureLine(error: unknown, withModelFile = false): string {
  // The one cause the user can act on: the model's memory goes with the tile, the result's with the
  // scale. Not in the words of a usage error, whose paths may hold anything ("/data/oom/in.png").
  const underneath = error instanceof EnhanceError ? error.underlying : error instanceof UsageError ? undefined : error;
  if (underneath !== undefined && isOutOfMemory(underneath)) {
    return `memory ran out (${textOf(underneath)}): a smaller --tile (the model works on one tile at a time) or a smaller scale needs less`;
  }
  if (!(error instanceof EnhanceError)) return textOf(error);
  const x2Fits = withModelFile ? 'a shipped x2 model fits it (leave out --model, give --scale 2)' : 'an x2 upscale fits it';
  switch (error.code) {
    case 'too-large':
      return `the image is too large: ${error.detail} (x2 of it would be over ${MAX_OUTPUT_PIXELS.toLocaleString('en')} pixels)`;
    case 'too-large-for-scale':
      return `${error.underlying}: ${x2Fits}`;
    case 'too-long':
      return `${error.underlying}: more than browsers can draw, where Enhance's results go`;
    case 'too-long-for-scale':
      return `${error.underlying}: more than browsers can draw, where Enhance's results go; ${x2Fits}`;
    default:
      return error.underlying === undefined ? error.message : `${error.message} (${error.underlying})`;
  }
}
