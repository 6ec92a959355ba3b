/** Helpers for fake provider APIs; importing this entry needs no vitest. */
export { type FetchHandler, type LoopbackServer, serveFetchHandler } from './serve-fetch-handler.js';
