/** The manifest's keyboard commands ("commands"), by the name the browser reports them under. */

/** Auto-enhance on or off for the active tab's site (background/shortcut.ts). */
export const TOGGLE_AUTO = 'toggle-auto';
