import type net from 'node:net'

/** Bytes a lab device keeps from one client before it hangs up (a device's small buffer). */
const MAX_PENDING = 16 * 1024

/**
 * Feeds a socket's bytes to `take(buffer)`, which consumes complete requests and returns how many
 * bytes it used; a client that sends more than a device would hold is disconnected.
 */
export function onRequests(socket: net.Socket, take: (pending: Buffer) => number): void {
  let pending = Buffer.alloc(0)
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk])
    if (pending.length > MAX_PENDING) {
      socket.destroy()
      return
    }
    for (let used = take(pending); used > 0 && !socket.destroyed; used = take(pending)) {
      pending = pending.subarray(used)
    }
  })
}
