import type net from 'node:net'
import { adbDevice, dahuaDevice, dvripDevice, modbusDevice } from './binary-devices.js'
import { ftpDevice } from './ftp.js'
import { mqttDevice } from './mqtt.js'
import { onvifDevice } from './onvif-device.js'
import { rtspDevice } from './rtsp.js'
import type { ProtocolServiceSpec } from './specs.js'
import { tlsDevice } from './tls-device.js'

/** The connection handler of one lab service of the kinds in specs.ts. */
export function protocolDevice(
  spec: ProtocolServiceSpec,
  credential?: { username: string; password: string },
): (socket: net.Socket) => void {
  switch (spec.protocol) {
    case 'rtsp':
      return rtspDevice(spec, credential)
    case 'mqtt':
      return mqttDevice(spec, credential)
    case 'ftp':
      return ftpDevice(spec, credential)
    case 'adb':
      return adbDevice(spec)
    case 'dvrip':
      return dvripDevice(spec)
    case 'modbus':
      return modbusDevice(spec)
    case 'tls':
      return tlsDevice(spec)
    case 'onvif':
      return onvifDevice()
    case 'dahua':
      return dahuaDevice()
  }
}
