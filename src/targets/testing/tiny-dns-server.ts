import dgram from 'node:dgram'

/**
 * A minimal authoritative DNS server for tests: answers A queries from a fixed table (NODATA for
 * names it holds no address for, NXDOMAIN for the rest). Real UDP on loopback, so the product's
 * resolver path runs unchanged.
 */
export async function startTinyDnsServer(
  host: string,
  table: Record<string, string[]>,
): Promise<{ address: string; stop(): Promise<void> }> {
  const socket = dgram.createSocket('udp4')
  socket.on('message', (query, peer) => {
    if (query.length < 17) return
    let at = 12
    const labels: string[] = []
    while (at < query.length && query[at] !== 0) {
      const len = query[at] as number
      labels.push(query.subarray(at + 1, at + 1 + len).toString('ascii'))
      at += len + 1
    }
    const questionEnd = at + 5
    const qtype = query.readUInt16BE(at + 1)
    const name = labels.join('.').toLowerCase()
    const known = table[name]
    const answers = known && qtype === 1 ? known : []
    const header = Buffer.alloc(12)
    query.copy(header, 0, 0, 2)
    header.writeUInt16BE(known ? 0x8580 : 0x8583, 2) // response, authoritative, RD, RA; rcode 0 or 3
    header.writeUInt16BE(1, 4)
    header.writeUInt16BE(answers.length, 6)
    const records = answers.map((ip) => {
      const rr = Buffer.alloc(16)
      rr.writeUInt16BE(0xc00c, 0) // pointer to the question's name
      rr.writeUInt16BE(1, 2) // A
      rr.writeUInt16BE(1, 4) // IN
      rr.writeUInt32BE(60, 6)
      rr.writeUInt16BE(4, 10)
      Buffer.from(ip.split('.').map(Number)).copy(rr, 12)
      return rr
    })
    socket.send(Buffer.concat([header, query.subarray(12, questionEnd), ...records]), peer.port, peer.address)
  })
  await new Promise<void>((resolve) => socket.bind(0, host, resolve))
  return {
    address: `${host}:${socket.address().port}`,
    stop: () => new Promise((resolve) => socket.close(() => resolve())),
  }
}
