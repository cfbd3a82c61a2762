/**
 * Firefox's background page: the service worker's job (menus, router, counts), with the engine's
 * page in a frame of its own (engine-frame.ts), since Firefox has no offscreen documents, and
 * updates held back until the pages are handed back (update.ts).
 */
import { hostEngineIn } from './engine-client';
import { engineFrame } from './engine-frame';
import { handPagesBackBeforeUpdates } from './update';
import './main';

hostEngineIn(engineFrame);
handPagesBackBeforeUpdates();
