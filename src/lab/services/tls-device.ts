import { readFileSync } from 'node:fs'
import type net from 'node:net'
import tls from 'node:tls'
import { dataPath } from '../../core/paths.js'
import { httpDevice } from '../http-device.js'
import type { TlsServiceSpec } from './specs.js'

const contexts = new Map<string, tls.SecureContext>()

/** One secure context per certificate file: every device of a family shares it, as vendor defaults are shared. */
function contextFor(file: string): tls.SecureContext {
  let context = contexts.get(file)
  if (!context) {
    const pem = readFileSync(dataPath('lab', 'certs', file), 'utf8')
    context = tls.createSecureContext({ cert: pem, key: pem })
    contexts.set(file, context)
  }
  return context
}

/** HTTPS: the TLS handshake with the family's certificate, then the device's web page inside. */
export function tlsDevice(spec: TlsServiceSpec): (socket: net.Socket) => void {
  const secureContext = contextFor(spec.certificate)
  const web = httpDevice({
    spec: {
      protocol: 'http',
      port: spec.port,
      headers: {},
      auth: 'none',
      protected: ['/'],
      ...(spec.server ? { server: spec.server } : {}),
      ...(spec.title ? { title: spec.title } : {}),
    },
  })
  return (socket) => {
    const secure = new tls.TLSSocket(socket, { isServer: true, secureContext })
    secure.on('error', () => socket.destroy())
    web.handle(secure)
  }
}
