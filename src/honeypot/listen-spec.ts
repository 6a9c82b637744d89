import { MamoriError } from '../core/errors.js'

/**
 * `--listen 127.60.0.1:23,2323` → one address per port; several addresses may be given with spaces
 * or repeated flags. Only IPv4 addresses: the honeypot's events name them as Cowrie does.
 */
export function parseListen(specs: readonly string[]): { host: string; port: number }[] {
  const out: { host: string; port: number }[] = []
  for (const spec of specs) {
    const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5}(?:,\d{1,5})*)$/.exec(spec.trim())
    const host = m?.[1]
    if (!m || !host || host.split('.').some((o) => Number(o) > 255))
      throw new MamoriError('ERR_USAGE', `--listen "${spec}" is not ADDRESS:PORT[,PORT...] (IPv4)`)
    for (const p of (m[2] as string).split(',')) {
      const port = Number(p)
      if (port > 65535) throw new MamoriError('ERR_USAGE', `--listen "${spec}": port ${p} is out of range`)
      out.push({ host, port })
    }
  }
  return out
}
