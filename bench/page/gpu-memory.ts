/**
 * Records the WebGPU buffers the page creates (ORT's weights, activations and staging buffers) by
 * wrapping GPUDevice.createBuffer and GPUBuffer.destroy, before any runtime loads. Live bytes
 * count from creation to destroy(); a buffer dropped without destroy() counts until the end, so
 * the peak is an upper bound. Textures are not counted: ORT's WebGPU backend uses none.
 */
let live = 0;
let peak = 0;
let created = false;
const sizes = new WeakMap<GPUBuffer, number>();

export function trackGpuBuffers(): void {
  if (typeof GPUDevice === 'undefined') return;
  const createBuffer = GPUDevice.prototype.createBuffer;
  GPUDevice.prototype.createBuffer = function (this: GPUDevice, descriptor: GPUBufferDescriptor): GPUBuffer {
    const buffer = createBuffer.call(this, descriptor);
    created = true;
    sizes.set(buffer, descriptor.size);
    live += descriptor.size;
    peak = Math.max(peak, live);
    return buffer;
  };
  const destroy = GPUBuffer.prototype.destroy;
  GPUBuffer.prototype.destroy = function (this: GPUBuffer): undefined {
    live -= sizes.get(this) ?? 0;
    sizes.delete(this);
    return destroy.call(this);
  };
}

/** The most bytes of GPU buffers alive at once, or null when the page made none. */
export function gpuBufferPeakBytes(): number | null {
  return created ? peak : null;
}
