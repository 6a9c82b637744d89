export interface ModbusResult {
  unit_id: number
  /** Exception code and meaning, when the device refuses function 43/14. */
  exception?: { code: number; meaning?: string }
  /** Conformity level byte of the answer (0x01 basic ... 0x83 extended + individual). */
  conformity?: number
  vendor_name?: string
  product_code?: string
  revision?: string
  vendor_url?: string
  product_name?: string
  model_name?: string
  user_application_name?: string
}
