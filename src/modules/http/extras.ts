import { createHash } from 'node:crypto'
import murmurhash from 'murmurhash'
import type { Connection } from '../../core/connection.js'
import { printable } from '../../core/printable.js'
import { httpRequest } from '../../lib/http-request.js'
import type { HttpExtras } from './result.js'

const MAX_ROBOTS_RULES = 20

/**
 * Shodan's `http.favicon.hash`: MurmurHash3 (x86, 32-bit, seed 0) of the icon's base64 text with a
 * newline every 76 characters and at the end (Python's base64.encodebytes), as a signed integer.
 */
export function faviconMmh3(icon: Buffer): number {
  const b64 = icon.toString('base64')
  let text = ''
  for (let i = 0; i < b64.length; i += 76) text += `${b64.slice(i, i + 76)}\n`
  return murmurhash.v3(text) | 0
}

/** The icon the page names (`<link rel="icon" href>` on the same host), else `/favicon.ico`. */
export function faviconPath(body: string | undefined): string {
  const link = body ? /<link[^>]+rel=["']?(?:shortcut )?icon["']?[^>]*>/i.exec(body)?.[0] : undefined
  const href = link ? /href=["']?([^"'\s>]+)/i.exec(link)?.[1] : undefined
  // only a path on this host: an absolute URL or a protocol-relative one could point anywhere
  if (href && /^\/(?!\/)[\x21-\x7e]{0,200}$/.test(href)) return href
  if (href && /^[\w.-][\x21-\x7e]{0,200}$/.test(href) && !href.includes(':')) return `/${href}`
  return '/favicon.ico'
}

/**
 * The extras Shodan and Censys record beside the front page: the favicon's hashes (Recog's
 * favicons match the MD5, Shodan searches the mmh3) and whether /robots.txt exists. Each fetch uses
 * its own framework connection; a failure leaves the field out, never fails the grab.
 */
export async function grabExtras(
  dial: () => Promise<Connection>,
  host: string,
  body?: string,
): Promise<HttpExtras> {
  const extras: HttpExtras = {}
  const path = faviconPath(body)
  try {
    const { head, body: icon } = await httpRequest(await dial(), { method: 'GET', path, host })
    const favicon: NonNullable<HttpExtras['favicon']> = {
      path,
      status_code: head.status_code,
      size: icon.length,
    }
    if (head.status_code === 200 && icon.length > 0) {
      favicon.md5 = createHash('md5').update(icon).digest('hex')
      favicon.mmh3 = faviconMmh3(icon)
    }
    extras.favicon = favicon
  } catch {
    // no favicon is normal for a device
  }
  try {
    const { head, body: robots } = await httpRequest(await dial(), {
      method: 'GET',
      path: '/robots.txt',
      host,
    })
    const text = robots.toString('latin1')
    const present = head.status_code === 200 && /^\s*(?:user-agent|disallow|allow|sitemap)\s*:/im.test(text)
    extras.robots_txt = { present, status_code: head.status_code }
    if (present) {
      extras.robots_txt.disallow = [...text.matchAll(/^\s*disallow\s*:\s*(\S+)/gim)]
        .slice(0, MAX_ROBOTS_RULES)
        .map((m) => printable(Buffer.from(m[1] as string, 'latin1'), 128))
    }
  } catch {
    // likewise
  }
  return extras
}
