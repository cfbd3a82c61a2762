/**
 * The progress ring of one job on its image. A job the user asked for shows it at once and ends
 * with its message on failure; an automatic one shows it only once the job is slow, so cache hits
 * and quick jobs flash nothing over the page, and ends silently.
 */
import { ImageOverlay } from './overlay';
import { advanceRing, RING_START, type RingProgress } from './ring-progress';

/** Long enough that a cached result or a small image is in before any ring appears. */
const QUIET_DELAY_MS = 1000;

/**
 * The failure message each image shows, until it goes by itself: a later job's ring on the image
 * takes it away, for it sat under the ring, and spoke of a job that is over.
 */
const messages = new WeakMap<HTMLImageElement, ImageOverlay>();

function takeMessage(img: HTMLImageElement): void {
  messages.get(img)?.remove();
  messages.delete(img);
}

/**
 * `message` on `img`: in `overlay` (the ring of the job that failed), or in one of its own in place
 * of a message it shows (a job turned away before it ran: no ring first, none ran).
 */
export function showMessage(img: HTMLImageElement, message: string, overlay?: ImageOverlay): void {
  if (!overlay) takeMessage(img);
  const shown = overlay ?? new ImageOverlay(img);
  shown.message(message);
  messages.set(img, shown);
}

export class JobIndicator {
  private overlay: ImageOverlay | null = null;
  private ring: RingProgress = RING_START;
  private readonly timer: number | undefined;
  /** The image went on to another file (a slideshow's next picture): the job is not about what it shows now. */
  private movedOn = false;
  private readonly listening = new AbortController();

  /** `showsJobFile`: whether `img` still shows the job's file, asked once it loads another one. */
  constructor(
    private readonly img: HTMLImageElement,
    private readonly quiet: boolean,
    showsJobFile: () => boolean,
  ) {
    // What it shows at the start counts as the job's: a copy of our result, enhanced again, shows neither the page's file nor a record of it.
    const shownAtStart = img.currentSrc;
    img.addEventListener(
      'load',
      () => {
        if (img.currentSrc === shownAtStart || showsJobFile()) return;
        this.movedOn = true;
        this.ended();
      },
      { signal: this.listening.signal },
    );
    if (quiet) this.timer = window.setTimeout(() => this.show(), QUIET_DELAY_MS);
    else this.show();
  }

  private show(): void {
    if (!this.img.isConnected || this.movedOn) return;
    takeMessage(this.img);
    this.overlay = new ImageOverlay(this.img);
    this.overlay.progress(this.ring.shown);
  }

  readonly progress = (done: number, total: number): void => {
    this.ring = advanceRing(this.ring, done, total);
    this.overlay?.progress(this.ring.shown);
  };

  /** The job succeeded, or the user put the image back before it was done: the ring goes, saying nothing. */
  ended(): void {
    window.clearTimeout(this.timer);
    this.listening.abort();
    this.overlay?.remove();
    this.overlay = null;
  }

  /** Shown on the image, unless the job was quiet or the image has gone on to another picture, which it would not be about. */
  failed(message: string): void {
    if (this.quiet || this.movedOn) {
      this.ended();
      return;
    }
    window.clearTimeout(this.timer);
    this.listening.abort();
    showMessage(this.img, message, this.overlay ?? undefined);
  }
}
