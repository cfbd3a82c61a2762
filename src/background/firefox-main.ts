/**
 * Firefox's background page: the service worker's job (menus, router, counts) and the engine's in
 * one page. Firefox has no offscreen documents, and its background page has the DOM, workers and
 * WebGPU the engine needs, so it hosts the engine directly (the one place background code imports it).
 */
import { answerEngineRequest, listenForJobs } from '../offscreen/engine-service';
import { hostEngineHere } from './engine-client';
import './main';

hostEngineHere(answerEngineRequest);
listenForJobs();
