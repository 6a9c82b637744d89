import type { TLSSocket } from 'node:tls'
import type { Connection } from '../../core/connection.js'
import { type GrabContext, type ProtocolModule, runGrab } from '../../core/protocol-module.js'
import type { Observation } from '../../core/record.js'
import { chainDer, describeCertificate } from './certificate.js'
import type { TlsResult } from './tls-result.js'

/**
 * Devices still run TLS 1.0 with 1024-bit keys and SHA-1: accept everything, validate nothing, so
 * the handshake completes and the weakness is recorded rather than hidden.
 */
const CLIENT_OPTIONS = {
  minVersion: 'TLSv1',
  ciphers: 'DEFAULT:@SECLEVEL=0',
  rejectUnauthorized: false,
} as const

async function secure(conn: Connection, target: GrabContext['target']): Promise<TLSSocket> {
  // SNI only for names: an address as servername is not allowed (RFC 6066 §3)
  return conn.startTls(
    /^[\d.]+$/.test(target.ip) ? CLIENT_OPTIONS : { ...CLIENT_OPTIONS, servername: target.ip },
  )
}

/**
 * TLS as the framework applies it (zgrab2's TLS dialer): on a port some module declares in its
 * `tlsPorts` (HTTPS on 443, MQTT on 8883, RTSP on 322), or where the reply is a TLS record, the
 * handshake and certificate chain become a `tls` record, and the module of that port is grabbed
 * over the same secured connection into `data.tls.wrapped`. No module knows about TLS.
 */
export function tlsLayer(modules: readonly ProtocolModule<unknown>[]): ProtocolModule<TlsResult> {
  const byPort = new Map<number, ProtocolModule<unknown>>()
  for (const m of modules) for (const port of m.tlsPorts ?? []) if (!byPort.has(port)) byPort.set(port, m)
  const byName = new Map([...byPort.values()].map((m) => [m.name, m]))
  return {
    name: 'tls',
    description:
      'TLS handshake: version, cipher, certificate chain; then the protocol inside on its TLS ports',
    transport: 'tcp',
    defaultPorts: [...byPort.keys()],
    // a TLS server answers plain text with an alert record, or a handshake record to our probe
    detect: (reply) =>
      (reply[0] === 0x15 || reply[0] === 0x16) && reply[1] === 0x03 && (reply[2] ?? 9) <= 0x04,
    newResult: () => ({ chain: [] }),

    async grab(ctx, result) {
      const socket = await secure(ctx.conn, ctx.target)
      result.version = socket.getProtocol() ?? undefined
      const cipher = socket.getCipher()
      result.cipher = {
        name: cipher.name,
        ...(cipher.standardName ? { standard_name: cipher.standardName } : {}),
      }
      if (typeof socket.alpnProtocol === 'string') result.alpn = socket.alpnProtocol
      const bad: string[] = []
      const ders = chainDer(socket.getPeerCertificate(true))
      ders.forEach((der, i) => {
        try {
          const cert = describeCertificate(der)
          if (i === 0) result.cert = cert
          else result.chain.push(cert)
        } catch (err) {
          bad.push(`#${i}: ${(err as Error).message.slice(0, 200)}`)
        }
      })
      if (bad.length > 0) result.bad_certificates = bad

      const inner = byPort.get(ctx.target.port)
      if (inner) {
        const secured: GrabContext = {
          target: ctx.target,
          conn: ctx.conn,
          limits: ctx.limits,
          redial: async () => {
            const conn = await ctx.redial()
            await secure(conn, ctx.target)
            return conn
          },
          get udp() {
            return ctx.udp
          },
          credentialAudit: ctx.credentialAudit,
        }
        const outcome = await runGrab(inner, secured)
        result.wrapped = { protocol: inner.name, status: outcome.status }
        if (outcome.result !== undefined) result.wrapped.result = outcome.result
        if (outcome.error !== undefined) result.wrapped.error = outcome.error
      }
      if (!result.cert && ders.length === 0)
        return { status: 'protocol-error', error: 'the server sent no certificate' }
    },

    describe(result) {
      const observations: Observation[] = []
      if (result.cert) {
        observations.push({ key: 'x509.subject', value: result.cert.subject })
        observations.push({ key: 'x509.issuer', value: result.cert.issuer })
      }
      let banner = [result.version, result.cipher?.name, result.cert && `subject: ${result.cert.subject}`]
        .filter(Boolean)
        .join(', ')
      const wrapped = result.wrapped
      if (wrapped?.result !== undefined) {
        const inner = byName.get(wrapped.protocol)?.describe(wrapped.result)
        if (inner) {
          observations.push(...inner.observations)
          if (inner.banner) banner = `${banner}\n${inner.banner}`
        }
      }
      return { banner, observations }
    },
    matchKeys: ['x509.subject', 'x509.issuer', ...[...byName.values()].flatMap((m) => m.matchKeys)],
  }
}
