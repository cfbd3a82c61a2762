/**
 * The content script's entry. It ships as one classic script (vite.config.ts), and the worker
 * injects it into a tab's frames where none answers yet: a frame whose copy is still starting gets
 * it again, and a classic script runs each time it is injected (a module ran once per frame).
 * The first run in this frame's extension world starts the script; later ones stop here. Pages
 * cannot see or set the mark: the world's globals are its own (Chrome's isolated world, Firefox's
 * sandbox).
 */
const STARTED = 'enhanceContentScriptStarted';
const world = globalThis as typeof globalThis & { [STARTED]?: boolean };
if (!world[STARTED]) {
  world[STARTED] = true;
  void import('./content-script');
}
