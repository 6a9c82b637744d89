import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** Digest challenges older than this are refused (the client must ask again). */
const NONCE_LIFETIME_MS = 5 * 60_000

const md5 = (text: string) => createHash('md5').update(text).digest('hex')

/**
 * HTTP Digest access authentication with MD5 and qop=auth (RFC 7616, which keeps RFC 2617's
 * qop-less form for old clients). Nonces are stateless: a timestamp signed with a per-server
 * secret, so no table of outstanding challenges can grow.
 */
export class DigestAuth {
  readonly #secret = randomBytes(16)
  readonly #realm: string

  constructor(realm: string) {
    this.#realm = realm
  }

  /** The `WWW-Authenticate` value of a 401. */
  challenge(now = Date.now()): string {
    const stamp = now.toString(16)
    const nonce = `${stamp}${this.#sign(stamp)}`
    const opaque = createHash('md5').update(this.#secret).digest('hex')
    return `Digest realm="${this.#realm}", qop="auth", nonce="${nonce}", opaque="${opaque}", algorithm=MD5`
  }

  /** Whether an `Authorization: Digest ...` header proves `credential` for this request. */
  verify(
    header: string,
    method: string,
    credential: { username: string; password: string },
    now = Date.now(),
  ) {
    if (!/^Digest\s/i.test(header)) return false
    const p = parseParams(header.slice(7))
    const { username, realm, nonce, uri, response } = p
    if (!username || !nonce || !uri || !response || realm !== this.#realm) return false
    if (p.algorithm && p.algorithm.toUpperCase() !== 'MD5') return false
    const stamp = nonce.slice(0, -32)
    if (!/^[0-9a-f]{1,12}$/.test(stamp) || !safeEqual(nonce.slice(-32), this.#sign(stamp))) return false
    if (now - Number.parseInt(stamp, 16) > NONCE_LIFETIME_MS) return false
    if (username !== credential.username) return false
    const ha1 = md5(`${username}:${realm}:${credential.password}`)
    const ha2 = md5(`${method}:${uri}`)
    const expected =
      p.qop === 'auth'
        ? md5(`${ha1}:${nonce}:${p.nc ?? ''}:${p.cnonce ?? ''}:auth:${ha2}`)
        : p.qop === undefined
          ? md5(`${ha1}:${nonce}:${ha2}`)
          : ''
    return expected !== '' && safeEqual(response.toLowerCase(), expected)
  }

  #sign(stamp: string): string {
    return createHmac('sha256', this.#secret).update(stamp).digest('hex').slice(0, 32)
  }
}

/** `key=value` and `key="quoted, value"` pairs of an auth header; unknown keys are kept. */
export function parseParams(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null)
  const re = /([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))/g
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const key = (m[1] as string).toLowerCase()
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '')
  }
  return out
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
