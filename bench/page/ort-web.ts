/** Our models through the extension's own ORT backend module and upscale loop, as the offscreen engine runs them. */
import './chrome-shim';
import { DEFAULT_OVERLAP, upscaleImage } from '../../src/core/upscale';
import { chooseBackend, ortVersion, setWasmThreads } from '../../src/offscreen/backend';
import { runnerForJob } from '../../src/offscreen/precision-check';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import type { Precision } from '../../src/core/precision';
import type { Upscale } from '../lib/measure';
import type { Method } from '../lib/protocol';

export async function createOrtWeb(method: Extract<Method, { kind: 'ort-web' }>): Promise<{ upscale: Upscale; backend: string; precision: Precision }> {
  setWasmThreads(method.threads);
  const choice = await chooseBackend(method.backend === 'webgpu');
  if (choice.backend !== method.backend) throw new Error(`asked for ${method.backend}, got ${choice.reason}`);
  // The precision a job would run in: fp16 where the adapter has shader-f16 and passes the check.
  const { runner, precision, precisionNote } = await runnerForJob(method.model, choice);
  const maxTile = Math.min(DEFAULT_SETTINGS.maxTile, choice.maxTile);
  return {
    upscale: (image) => upscaleImage(image, runner, { maxTile, overlap: DEFAULT_OVERLAP }),
    backend: `ORT ${await ortVersion(choice.backend)} ${method.backend === 'wasm' ? `WASM SIMD, ${method.threads} thread(s)` : `${choice.reason}${precisionNote ? `, ${precisionNote}` : ''}`}`,
    precision,
  };
}
