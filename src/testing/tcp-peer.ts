import net from 'node:net'

export interface TcpPeer {
  readonly ip: string
  readonly port: number
  /** Everything each client sent, by connection order. */
  readonly received: Buffer[]
  close(): Promise<void>
}

/** A real TCP server on a loopback address for wire tests; `serve` scripts the peer's side. */
export async function startPeer(
  ip: string,
  port: number,
  serve: (socket: net.Socket) => void,
): Promise<TcpPeer> {
  const received: Buffer[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    const index = received.push(Buffer.alloc(0)) - 1
    sockets.add(socket)
    socket.on('data', (d: Buffer) => {
      received[index] = Buffer.concat([received[index] as Buffer, d])
    })
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
    serve(socket)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, ip, resolve)
  })
  return {
    ip,
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
