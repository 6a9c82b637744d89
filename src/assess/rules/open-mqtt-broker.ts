import type { MqttResult } from '../../modules/mqtt/result.js'
import { type AssessRule, protocolData } from '../assess-rule.js'

/** A broker that accepts anonymous clients: anyone can read and publish device messages. */
export const openMqttBroker: AssessRule = {
  type: 'open-mqtt-broker',
  assess(record) {
    const mqtt = protocolData<MqttResult>(record, 'mqtt')
    if (!mqtt?.anonymous) return undefined
    const versions = [mqtt.v311?.accepted && '3.1.1', mqtt.v5?.accepted && '5'].filter(Boolean).join(' and ')
    return {
      type: this.type,
      severity: 'high',
      title: 'MQTT broker accepts anonymous clients',
      detail: `anonymous CONNECT accepted (MQTT ${versions})${mqtt.broker_version ? `; ${mqtt.broker_version}` : ''}`,
    }
  },
}
