import { readFileSync } from 'node:fs'
import { XMLParser } from 'fast-xml-parser'
import type { Fingerprint, ScanRecord } from '../../core/record.js'
import { sharedData } from '../../testing/shared-data.js'

/** A real banner from Recog's examples with what Recog says it is. Tests and benchmarks only. */
export interface CorpusBanner {
  protocol: 'telnet' | 'ssh' | 'http' | 'ftp' | 'rtsp'
  port: number
  banner: string
  fingerprint?: Fingerprint
}

const SOURCES = [
  ['telnet_banners.xml', 'telnet', 23],
  ['ssh_banners.xml', 'ssh', 22],
  ['http_servers.xml', 'http', 80],
  ['ftp_banners.xml', 'ftp', 21],
  ['rtsp_servers.xml', 'rtsp', 554],
] as const

type Attrs = Record<string, string>
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** Loads the telnet, ssh, http-server, ftp and rtsp example banners from ../shared/data/recog. */
export function loadBannerCorpus(): CorpusBanner[] {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', textNodeName: 'text' })
  const out: CorpusBanner[] = []
  for (const [file, protocol, port] of SOURCES) {
    const doc = parser.parse(readFileSync(sharedData('recog', file), 'utf8'))
    for (const fp of asArray<Record<string, unknown>>(doc.fingerprints.fingerprint)) {
      const consts: Attrs = {}
      for (const p of asArray<Attrs>(fp.param as Attrs[]))
        if (p.pos === '0' && p.value) consts[p.name as string] = p.value
      for (const ex of asArray<Attrs | string>(fp.example as Attrs[])) {
        const attrs: Attrs = typeof ex === 'string' ? { text: ex } : ex
        const raw = String(attrs.text ?? '')
        const banner = attrs._encoding === 'base64' ? Buffer.from(raw, 'base64').toString('latin1') : raw
        const f = { ...consts, ...attrs }
        const product = f['service.product'] ?? f['hw.product'] ?? f['os.product']
        const vendor = f['hw.vendor'] ?? f['service.vendor'] ?? f['os.vendor']
        const fingerprint: Fingerprint | undefined =
          product || vendor
            ? {
                ...(vendor ? { vendor } : {}),
                ...(product ? { product } : {}),
                ...(f['service.version'] ? { version: f['service.version'] } : {}),
                ...(f['hw.device'] ? { device_type: f['hw.device'] } : {}),
                ...(f['os.product'] ? { os: f['os.product'] } : {}),
                cpe: [f['service.cpe23'], f['hw.cpe23'], f['os.cpe23']].filter(
                  (c): c is string => !!c && !c.includes('{'),
                ),
                rule: `recog:${file}`,
              }
            : undefined
        out.push({ protocol, port, banner, ...(fingerprint ? { fingerprint } : {}) })
      }
    }
  }
  return out
}

/** A record as the scan pipeline would write it, from a corpus banner. */
export function recordFromBanner(b: CorpusBanner, ip: string, scanId: string, timestamp: string): ScanRecord {
  const data: Record<string, unknown> =
    b.protocol === 'http'
      ? {
          http: {
            status_code: 200,
            server: b.banner,
            headers: [['Server', b.banner]],
            body_length: 0,
            truncated: false,
          },
        }
      : b.protocol === 'ssh'
        ? { ssh: { line: b.banner, software: b.banner.replace(/^SSH-[\d.]+-/, '') } }
        : { [b.protocol]: { banner: b.banner } }
  return {
    ip,
    port: b.port,
    transport: 'tcp',
    protocol: b.protocol,
    timestamp,
    scan_id: scanId,
    status: 'success',
    banner: b.banner,
    data,
    ...(b.fingerprint ? { fingerprint: b.fingerprint } : {}),
  }
}
