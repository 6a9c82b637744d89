export interface Tr069Result {
  status_code?: number
  server?: string
  /** The challenge a connection-request URL answers with (ACS-initiated sessions are authenticated). */
  auth?: { scheme: string; realm?: string }
  /** What marks the endpoint as CWMP rather than any web server on 7547. */
  cwmp_evidence: string[]
}
