import type { SsdpReply, UpnpDescription } from './wire.js'

export interface UpnpResult {
  /** SSDP search replies (bounded), one per advertised device or service. */
  responses: SsdpReply[]
  server?: string
  location?: string
  /** LOCATION named another host: never fetched. */
  location_offhost?: boolean
  description?: UpnpDescription
  description_error?: string
}
