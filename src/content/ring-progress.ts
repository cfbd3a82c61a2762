/**
 * What the progress ring shows for a job's tile counts. A job can start over: WebGPU failing hands
 * it to WASM, an fp16 check falls back to fp32, an image that changed on its server is enhanced
 * again from the page's pixels. Each new start counts its tiles from 0 (and may have another
 * number of tiles); the ring keeps what it showed and fills the rest with the new attempt, so it
 * only goes forward.
 */
export interface RingProgress {
  /** Fraction of the ring shown, 0 to 1. */
  shown: number;
  /** Where the current attempt started on the ring. */
  base: number;
  /** The current attempt's tiles done, to tell a new start (back to 0) from its next tile. */
  done: number;
}

export const RING_START: RingProgress = { shown: 0, base: 0, done: 0 };

export function advanceRing(ring: RingProgress, done: number, total: number): RingProgress {
  const base = done < ring.done ? ring.shown : ring.base;
  const attempt = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  return { shown: Math.max(ring.shown, base + (1 - base) * attempt), base, done };
}
