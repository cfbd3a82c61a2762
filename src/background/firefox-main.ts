/**
 * Firefox's background page: the service worker's job (menus, router, counts), with the engine's
 * page in a frame of its own (engine-frame.ts), since Firefox has no offscreen documents, updates
 * held back until the pages are handed back (update.ts), and the open menu redrawn to match its image.
 */
import { hostEngineIn } from './engine-client';
import { settleEnhancedItemsWhenShown } from './context-menu';
import { engineFrame } from './engine-frame';
import { handPagesBackBeforeUpdates } from './update';
import './main';

hostEngineIn(engineFrame);
handPagesBackBeforeUpdates();
settleEnhancedItemsWhenShown();
