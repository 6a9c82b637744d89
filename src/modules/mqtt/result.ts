export interface MqttConnack {
  /** CONNACK return code (3.1.1) or reason code (5.0). */
  code: number
  accepted: boolean
  session_present: boolean
  /** 3.1.1 meaning of the code. */
  meaning?: string
  property_ids?: number[]
}

export interface MqttResult {
  /** The reply to an anonymous MQTT 3.1.1 CONNECT. */
  v311?: MqttConnack
  /** The reply to an anonymous MQTT 5.0 CONNECT (a 3.1.1-only broker refuses or closes). */
  v5?: MqttConnack
  /** A CONNECT without credentials was accepted (finding: open broker). */
  anonymous: boolean
  /** `$SYS/broker/version`, when an anonymous subscriber receives it within the bound. */
  broker_version?: string
}
