export interface DvripResult {
  /** Header version byte of the reply. */
  version?: number
  /** Message id of the reply (1021 answers SystemInfo). */
  message_id?: number
  /** `Ret` code of the JSON reply (100 = OK; others: not logged in, no permission...). */
  ret?: number
  /** Set when the device hands out system information without a login. */
  system_info?: {
    device_model?: string
    software_version?: string
    hardware?: string
    build_time?: string
    serial_masked?: string
  }
}
