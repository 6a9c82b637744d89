import { createHash, randomBytes } from 'node:crypto'

/** A parsed `WWW-Authenticate` challenge (RFC 7235): scheme and its parameters, names lower-cased. */
export interface Challenge {
  scheme: string
  params: Record<string, string>
}

/** Parses the first challenge of a header value; undefined when it names no scheme. */
export function parseChallenge(raw: string): Challenge | undefined {
  const m = /^\s*([A-Za-z][\w-]*)\s*(.*)$/s.exec(raw)
  if (!m) return undefined
  const params: Record<string, string> = {}
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g
  for (const p of (m[2] ?? '').matchAll(re)) {
    const name = (p[1] as string).toLowerCase()
    if (!(name in params)) params[name] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? '')
  }
  return { scheme: (m[1] as string).toLowerCase(), params }
}

/** `Authorization: Basic ...` (RFC 7617). */
export function basicAuthorization(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`
}

const DIGEST_HASHES: Record<string, string> = {
  md5: 'md5',
  'md5-sess': 'md5',
  'sha-256': 'sha256',
  'sha-256-sess': 'sha256',
}

/**
 * `Authorization: Digest ...` (RFC 7616) for one request; qop `auth` when offered, else the RFC 2069
 * form. Undefined for an algorithm we do not speak. `response` is returned too, so it can be masked.
 */
export function digestAuthorization(
  challenge: Challenge,
  method: string,
  uri: string,
  username: string,
  password: string,
  cnonce = randomBytes(8).toString('hex'),
): { header: string; response: string } | undefined {
  const algorithm = (challenge.params.algorithm ?? 'MD5').toLowerCase()
  const hashName = DIGEST_HASHES[algorithm]
  const nonce = challenge.params.nonce
  if (!hashName || nonce === undefined) return undefined
  const h = (s: string) => createHash(hashName).update(s, 'utf8').digest('hex')
  const realm = challenge.params.realm ?? ''
  const nc = '00000001'
  let ha1 = h(`${username}:${realm}:${password}`)
  if (algorithm.endsWith('-sess')) ha1 = h(`${ha1}:${nonce}:${cnonce}`)
  const ha2 = h(`${method}:${uri}`)
  const qops = (challenge.params.qop ?? '').split(',').map((q) => q.trim().toLowerCase())
  const qop = qops.includes('auth') ? 'auth' : undefined
  const response = qop ? h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${nonce}:${ha2}`)
  const q = (s: string) => `"${s.replace(/(["\\])/g, '\\$1')}"`
  const parts = [
    `username=${q(username)}`,
    `realm=${q(realm)}`,
    `nonce=${q(nonce)}`,
    `uri=${q(uri)}`,
    `response=${q(response)}`,
  ]
  if (challenge.params.algorithm) parts.push(`algorithm=${challenge.params.algorithm}`)
  if (challenge.params.opaque !== undefined) parts.push(`opaque=${q(challenge.params.opaque)}`)
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce=${q(cnonce)}`)
  return { header: `Digest ${parts.join(', ')}`, response }
}
