/** IAC DO ECHO, IAC DO NAWS, IAC WILL ECHO, IAC WILL SGA: what BusyBox telnetd sends first. */
export const BUSYBOX_NEGOTIATION = Buffer.from([255, 253, 1, 255, 253, 31, 255, 251, 1, 255, 251, 3])

const IAC = 255
const SB = 250
const SE = 240

/**
 * Strips telnet commands (RFC 854/855) from what a client sends and keeps the data bytes. The lab's
 * devices never act on a client's option replies; they only need the typed text. State survives
 * across chunks, so a command split over two packets is still removed.
 */
export class TelnetInput {
  #state: 'data' | 'iac' | 'option' | 'sb' | 'sb-iac' = 'data'

  /** The data bytes of `chunk`, commands removed (IAC IAC is a literal 255). */
  feed(chunk: Buffer): Buffer {
    if (this.#state === 'data' && !chunk.includes(IAC)) return chunk
    const out: number[] = []
    for (const byte of chunk) {
      switch (this.#state) {
        case 'data':
          if (byte === IAC) this.#state = 'iac'
          else out.push(byte)
          break
        case 'iac':
          if (byte === IAC) {
            out.push(IAC)
            this.#state = 'data'
          } else if (byte === SB) this.#state = 'sb'
          else if (byte >= 251)
            this.#state = 'option' // WILL WONT DO DONT take one option byte
          else this.#state = 'data'
          break
        case 'option':
          this.#state = 'data'
          break
        case 'sb':
          if (byte === IAC) this.#state = 'sb-iac'
          break
        case 'sb-iac':
          this.#state = byte === SE ? 'data' : 'sb'
          break
      }
    }
    return Buffer.from(out)
  }
}
