export interface DahuaResult {
  /** The reply was a DHIP frame (Dahua's private protocol). */
  dhip: boolean
  /** JSON-RPC error code and message of the session-less call (expected: an invalid-session error). */
  error_code?: number
  error_message?: string
  /** Present only if the device answered the call without a session. */
  device_type?: string
}
