import type { FindingRule } from '../../core/protocol-module.js'
import type { MqttResult } from './result.js'

/** A broker that accepts anonymous clients: anyone can read and publish device messages. */
export const openMqttBroker: FindingRule<MqttResult> = {
  type: 'open-mqtt-broker',
  assess(mqtt) {
    if (!mqtt.anonymous) return undefined
    const versions = [mqtt.v311?.accepted && '3.1.1', mqtt.v5?.accepted && '5'].filter(Boolean).join(' and ')
    return {
      type: this.type,
      severity: 'high',
      title: 'MQTT broker accepts anonymous clients',
      detail: `anonymous CONNECT accepted (MQTT ${versions})${mqtt.broker_version ? `; ${mqtt.broker_version}` : ''}`,
    }
  },
}
