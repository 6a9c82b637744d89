import { ProtocolError } from '../../core/scan-status.js'

/** RFC 4253 §4.2: the identification line is at most 255 bytes including CR LF. */
const MAX_IDENT = 255
/** RFC 4253 §6.1: implementations must handle packets of at least 35000 bytes; we refuse more. */
const MAX_PACKET = 35_000
const MSG_KEXINIT = 20

export interface SshIdent {
  /** The whole line without CR LF, e.g. `SSH-2.0-dropbear_2014.63`. */
  line: string
  protocol_version: string
  software: string
  comment?: string
}

/**
 * Finds the identification line in what the server sent first. Servers may send other lines before it
 * (RFC 4253 §4.2); returns the ident and the byte offset after it, or undefined while incomplete.
 */
export function findIdent(data: Buffer): { ident: SshIdent; end: number } | undefined {
  let start = 0
  while (start < data.length) {
    const lf = data.indexOf(0x0a, start)
    if (lf < 0) {
      if (data.length - start > MAX_IDENT) throw new ProtocolError('no SSH identification line')
      return undefined
    }
    const line = data.subarray(start, lf).toString('latin1').replace(/\r$/, '')
    if (line.startsWith('SSH-')) return { ident: parseIdent(line), end: lf + 1 }
    start = lf + 1
  }
  return undefined
}

function parseIdent(line: string): SshIdent {
  const match = /^SSH-([^-\s]+)-(\S*)(?: (.*))?$/.exec(line.slice(0, MAX_IDENT))
  if (!match) throw new ProtocolError(`malformed SSH identification: ${JSON.stringify(line.slice(0, 80))}`)
  const ident: SshIdent = { line, protocol_version: match[1] as string, software: match[2] as string }
  if (match[3] !== undefined) ident.comment = match[3]
  return ident
}

export interface KexInit {
  kex_algorithms: string[]
  host_key_algorithms: string[]
  ciphers_client_to_server: string[]
  ciphers_server_to_client: string[]
  macs_client_to_server: string[]
  macs_server_to_client: string[]
  compression_client_to_server: string[]
  compression_server_to_client: string[]
  first_kex_follows: boolean
}

/**
 * Reads the server's first binary packet (unencrypted: RFC 4253 §6) and parses it as KEXINIT (§7.1).
 * Returns undefined while the packet is incomplete.
 */
export function parseKexInitPacket(data: Buffer): KexInit | undefined {
  if (data.length < 5) return undefined
  const length = data.readUInt32BE(0)
  if (length < 2 || length > MAX_PACKET) throw new ProtocolError(`SSH packet length ${length} out of bounds`)
  if (data.length < 4 + length) return undefined
  const padding = data[4] as number
  const payload = data.subarray(5, 4 + length - padding)
  if (payload[0] !== MSG_KEXINIT) throw new ProtocolError(`expected KEXINIT, got message ${payload[0]}`)
  const reader = new NameListReader(payload, 17) // type byte + 16-byte cookie
  const kex: KexInit = {
    kex_algorithms: reader.next(),
    host_key_algorithms: reader.next(),
    ciphers_client_to_server: reader.next(),
    ciphers_server_to_client: reader.next(),
    macs_client_to_server: reader.next(),
    macs_server_to_client: reader.next(),
    compression_client_to_server: reader.next(),
    compression_server_to_client: reader.next(),
    first_kex_follows: false,
  }
  reader.next() // languages client to server
  reader.next() // languages server to client
  kex.first_kex_follows = reader.boolean()
  return kex
}

class NameListReader {
  constructor(
    private readonly buf: Buffer,
    private offset: number,
  ) {}

  next(): string[] {
    if (this.offset + 4 > this.buf.length) throw new ProtocolError('KEXINIT truncated')
    const len = this.buf.readUInt32BE(this.offset)
    this.offset += 4
    if (this.offset + len > this.buf.length) throw new ProtocolError('KEXINIT name-list overruns the packet')
    const text = this.buf.subarray(this.offset, this.offset + len).toString('latin1')
    this.offset += len
    return text === '' ? [] : text.split(',')
  }

  boolean(): boolean {
    if (this.offset >= this.buf.length) throw new ProtocolError('KEXINIT truncated')
    return this.buf[this.offset++] !== 0
  }
}
