import type { TLSSocket } from 'node:tls'
import type { Connection } from '../../core/connection.js'
import type { GrabContext, GrabOutcome, ProtocolModule } from '../../core/protocol-module.js'
import type { Observation } from '../../core/record.js'
import { statusFromError } from '../../core/scan-status.js'
import { httpModule } from '../http/index.js'
import { mqttModule } from '../mqtt/index.js'
import { rtspModule } from '../rtsp/index.js'
import { chainDer, describeCertificate } from './certificate.js'
import type { TlsResult } from './result.js'

/** What speaks inside TLS on the usual ports: grabbed over the same secured connection. */
const WRAPPED: Record<number, ProtocolModule<unknown>> = {
  443: httpModule as ProtocolModule<unknown>,
  4443: httpModule as ProtocolModule<unknown>,
  8443: httpModule as ProtocolModule<unknown>,
  9443: httpModule as ProtocolModule<unknown>,
  8883: mqttModule as ProtocolModule<unknown>,
  322: rtspModule as ProtocolModule<unknown>,
}

/**
 * Devices still run TLS 1.0 with 1024-bit keys and SHA-1: accept everything, validate nothing, so
 * the handshake completes and the weakness is recorded rather than hidden.
 */
const CLIENT_OPTIONS = {
  minVersion: 'TLSv1',
  ciphers: 'DEFAULT:@SECLEVEL=0',
  rejectUnauthorized: false,
} as const

/** An OpenSSL failure means the peer spoke broken or non-TLS bytes, not that the network failed. */
function tlsStatus(err: unknown) {
  const e = err as { code?: string; library?: string }
  if (typeof e?.code === 'string' && e.code.startsWith('ERR_SSL')) return 'protocol-error'
  if (e?.library !== undefined) return 'protocol-error'
  return statusFromError(err)
}

async function secure(conn: Connection, target: GrabContext['target']): Promise<TLSSocket> {
  // SNI only for names: an address as servername is not allowed (RFC 6066 §3)
  return conn.startTls(
    /^[\d.]+$/.test(target.ip) ? CLIENT_OPTIONS : { ...CLIENT_OPTIONS, servername: target.ip },
  )
}

export const tlsModule: ProtocolModule<TlsResult> = {
  name: 'tls',
  description: 'TLS handshake: version, cipher, certificate chain; then the protocol inside on known ports',
  transport: 'tcp',
  defaultPorts: [443, 8443, 4443, 9443, 8883, 322],
  // a TLS server answers plain text with an alert record, or a handshake record to our probe
  detect: (reply) => (reply[0] === 0x15 || reply[0] === 0x16) && reply[1] === 0x03 && (reply[2] ?? 9) <= 0x04,

  async grab(ctx): Promise<GrabOutcome<TlsResult>> {
    const result: TlsResult = { chain: [] }
    let socket: TLSSocket
    try {
      socket = await secure(ctx.conn, ctx.target)
    } catch (err) {
      return { status: tlsStatus(err), result, error: (err as Error).message }
    }
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

    const inner = WRAPPED[ctx.target.port]
    if (inner) {
      const innerCtx: GrabContext = {
        ...ctx,
        redial: async () => {
          const conn = await ctx.redial()
          await secure(conn, ctx.target)
          return conn
        },
      }
      const outcome = await inner.grab(innerCtx).catch((err: Error) => ({
        status: statusFromError(err),
        error: err.message,
        result: undefined,
      }))
      result.wrapped = { protocol: inner.name, status: outcome.status }
      if (outcome.result !== undefined) result.wrapped.result = outcome.result
      if (outcome.error !== undefined) result.wrapped.error = outcome.error
    }
    if (!result.cert && ders.length === 0) {
      return { status: 'protocol-error', result, error: 'the server sent no certificate' }
    }
    return { status: 'success', result }
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
      const inner = WRAPPED_BY_NAME[wrapped.protocol]?.describe(wrapped.result)
      if (inner) {
        observations.push(...inner.observations)
        if (inner.banner) banner = `${banner}\n${inner.banner}`
      }
    }
    return { banner, observations }
  },
}

const WRAPPED_BY_NAME: Record<string, ProtocolModule<unknown>> = Object.fromEntries(
  Object.values(WRAPPED).map((m) => [m.name, m]),
)
