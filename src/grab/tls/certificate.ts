import { X509Certificate } from 'node:crypto'
import type { PeerCertificate } from 'node:tls'
import { printable } from '../../core/printable.js'
import { ProtocolError } from '../../core/scan-status.js'
import type { TlsCertificate } from './tls-result.js'

/** Longer chains are cut: a device needs 1-3, an enormous one is hostile. */
const MAX_CHAIN = 8

function clean(text: string, max = 512): string {
  return printable(Buffer.from(text, 'utf8'), max)
}

/** OpenSSL's one-per-line DN (root-most first) as RFC 4514 / Recog text: `CN=x,O=Acme\, Inc.,C=US`. */
export function distinguishedName(lines: string): string {
  return clean(lines.split('\n').filter(Boolean).reverse().join(','))
}

/** Everything mamori records about one certificate, from its DER bytes. Throws ProtocolError on garbage. */
export function describeCertificate(der: Buffer, now = new Date()): TlsCertificate {
  try {
    return describe(new X509Certificate(der), now)
  } catch (err) {
    // the DER or its public key does not parse
    throw new ProtocolError(`certificate does not parse: ${(err as Error).message}`)
  }
}

function describe(cert: X509Certificate, now: Date): TlsCertificate {
  const notAfter = new Date(cert.validTo)
  const notBefore = new Date(cert.validFrom)
  const key = cert.publicKey
  const details = key.asymmetricKeyDetails ?? {}
  const out: TlsCertificate = {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    sans: (cert.subjectAltName ?? '')
      .split(/,\s*/)
      .filter(Boolean)
      .slice(0, 64)
      .map((s) => clean(s, 256)),
    not_before: Number.isNaN(notBefore.getTime()) ? cert.validFrom : notBefore.toISOString(),
    not_after: Number.isNaN(notAfter.getTime()) ? cert.validTo : notAfter.toISOString(),
    expired: notAfter.getTime() < now.getTime(),
    serial: cert.serialNumber.toLowerCase(),
    key_type: key.asymmetricKeyType ?? 'unknown',
    fingerprint: cert.fingerprint256.replaceAll(':', '').toLowerCase(),
    self_signed: isSelfSigned(cert),
  }
  const cn = /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1]
  if (cn !== undefined) out.subject_cn = clean(cn, 256)
  if (details.modulusLength !== undefined) out.key_bits = details.modulusLength
  if (details.namedCurve !== undefined) out.curve = details.namedCurve
  return out
}

function isSelfSigned(cert: X509Certificate): boolean {
  try {
    return cert.checkIssued(cert) && cert.verify(cert.publicKey)
  } catch {
    return false // a key type OpenSSL cannot verify with: not provably self-signed
  }
}

/** The peer's chain, leaf first, from Node's linked certificate objects: bounded, loops cut. */
export function chainDer(leaf: PeerCertificate & { issuerCertificate?: PeerCertificate }): Buffer[] {
  const out: Buffer[] = []
  const seen = new Set<string>()
  let cert: (PeerCertificate & { issuerCertificate?: PeerCertificate }) | undefined = leaf
  while (cert?.raw && out.length < MAX_CHAIN && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256)
    out.push(cert.raw)
    cert = cert.issuerCertificate
  }
  return out
}
