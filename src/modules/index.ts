import type { ProtocolModule } from '../core/protocol-module.js'
import { adbModule } from './adb/index.js'
import { coapModule } from './coap/index.js'
import { dahuaModule } from './dahua/index.js'
import { dvripModule } from './dvrip/index.js'
import { ftpModule } from './ftp/index.js'
import { httpModule } from './http/index.js'
import { modbusModule } from './modbus/index.js'
import { mqttModule } from './mqtt/index.js'
import { onvifModule } from './onvif/index.js'
import { rtspModule } from './rtsp/index.js'
import { snmpModule } from './snmp/index.js'
import { sshModule } from './ssh/index.js'
import { telnetModule } from './telnet/index.js'
import { tr069Module } from './tr069/index.js'
import { upnpModule } from './upnp/index.js'

/**
 * The built-in protocol modules, in the order the reply detector tries them: adding a protocol is
 * its folder and one line here (TLS is applied by the grab stage where a module declares `tlsPorts`).
 */
export const builtinModules: readonly ProtocolModule<unknown>[] = [
  tr069Module,
  sshModule,
  httpModule,
  telnetModule,
  ftpModule,
  rtspModule,
  mqttModule,
  upnpModule,
  coapModule,
  snmpModule,
  adbModule,
  modbusModule,
  dvripModule,
  dahuaModule,
  onvifModule,
]
