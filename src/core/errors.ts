/** Why a job failed, in words a person can act on. The code is for tests and the status counters. */
export type FailureCode =
  | 'fetch-failed'
  | 'not-an-image'
  | 'svg'
  | 'animated'
  | 'empty-image'
  | 'too-large'
  | 'model-failed'
  | 'image-gone'
  | 'engine-unavailable'
  | 'blocked-by-page'
  | 'page-unreachable';

export interface Failure {
  code: FailureCode;
  message: string;
}

const MESSAGES: Record<FailureCode, string> = {
  'fetch-failed': 'Enhance could not download this image.',
  'not-an-image': 'Enhance could not read this file as an image.',
  svg: 'SVG images are already sharp at any size.',
  animated: 'Enhance leaves animated images as they are.',
  'empty-image': 'This image has no pixels to enhance.',
  'too-large': 'This image is larger than the size limit in Enhance settings.',
  'model-failed': 'The upscaling model failed on this image.',
  'image-gone': 'The image is no longer on the page.',
  'engine-unavailable': 'The Enhance engine could not start.',
  'blocked-by-page': "This page's security policy does not allow replacing its images.",
  'page-unreachable': 'The browser keeps extensions out of this page, so Enhance cannot change its images.',
};

/** An error that carries a user-facing failure, thrown inside the engine and sent back as a value. */
export class EnhanceError extends Error {
  constructor(
    readonly code: FailureCode,
    /** What went wrong underneath, for logs and the engine's status: the user reads `message`. */
    readonly detail?: string,
  ) {
    super(detail ? `${MESSAGES[code]} (${detail})` : MESSAGES[code]);
    this.name = 'EnhanceError';
  }
}

export function toFailure(error: unknown, fallback: FailureCode = 'model-failed'): Failure {
  if (error instanceof EnhanceError) return { code: error.code, message: error.message };
  const detail = error instanceof Error ? error.message : String(error);
  return { code: fallback, message: `${MESSAGES[fallback]} (${detail})` };
}
