export interface OnvifResult {
  /** GetSystemDateAndTime answered (it is unauthenticated by the standard): an ONVIF device. */
  onvif: boolean
  /** The device clock as it reports it (UTC), ISO 8601. */
  utc_time?: string
  /** GetDeviceInformation answered without credentials. */
  device_information_open?: boolean
  /** Fault or HTTP status when device information needs credentials. */
  device_information_refused?: string
  manufacturer?: string
  model?: string
  firmware_version?: string
  hardware_id?: string
  serial_masked?: string
}
