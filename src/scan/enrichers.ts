import type { Enricher } from '../core/sink.js'

/**
 * The stages that run on every grabbed record, in this order, before it is written
 * (fingerprint, then audit, then vulnerability matching, then findings). Each area adds its own.
 */
export const enrichers: Enricher[] = []
