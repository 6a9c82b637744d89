import type { DeviceProfile } from '../device-profile.js'
import type { Applet, AppletResult, DownloadRequest, ShellContext } from './applet.js'
import { ok } from './applet.js'
import { parseCommandLine, type SimpleCommand } from './command-line.js'
import { fileApplets } from './file-applets.js'
import { networkApplets } from './network-applets.js'
import { SessionFs } from './session-fs.js'
import { systemApplets } from './system-applets.js'

const APPLETS: Record<string, Applet> = { ...fileApplets, ...systemApplets, ...networkApplets }
/** Where BusyBox installs its links; a path elsewhere is a program the attacker dropped. */
const APPLET_DIRS = ['/bin/', '/sbin/', '/usr/bin/', '/usr/sbin/']
/** `sh -c` inside `sh -c` inside ...: one level is what bots use. */
const MAX_NESTING = 2

/** What one input line printed and whether the session ends. */
export interface LineResult {
  out: Buffer
  exit: boolean
}

/**
 * An emulated BusyBox ash: enough of it for Mirai's scanner and loader and for Gafgyt-style droppers.
 * Every command is interpreted here, in memory; nothing is executed, fetched or written to disk.
 * Downloads are handed to `onDownload` and answered with a timeout.
 */
export class BusyboxShell {
  readonly #ctx: ShellContext

  constructor(profile: DeviceProfile, onDownload: (d: DownloadRequest) => void) {
    this.#ctx = { profile, fs: new SessionFs(profile), onDownload }
  }

  run(line: string, depth = 0): LineResult {
    const parts: Buffer[] = []
    let status = 0
    for (const pipeline of parseCommandLine(line)) {
      if ((pipeline.op === '&&' && status !== 0) || (pipeline.op === '||' && status === 0)) continue
      let stdin: Buffer = Buffer.alloc(0)
      for (const [i, command] of pipeline.commands.entries()) {
        const r = this.#runCommand(command, stdin, depth)
        if (r.exit) {
          parts.push(r.out)
          return { out: Buffer.concat(parts), exit: true }
        }
        status = r.status
        if (i < pipeline.commands.length - 1) stdin = r.out
        else parts.push(r.out)
      }
    }
    return { out: Buffer.concat(parts), exit: false }
  }

  #runCommand(command: SimpleCommand, stdin: Buffer, depth: number): AppletResult {
    const r = command.argv.length > 0 ? this.#exec(command.argv, stdin, depth) : ok()
    if (!command.redirect || r.exit) return r
    const { file, append } = command.redirect
    if (file === '/dev/null') return { ...r, out: Buffer.alloc(0) }
    if (!this.#ctx.fs.write(file, r.out, append)) {
      const why = !this.#ctx.fs.isDir(parentOf(this.#ctx.fs.resolve(file)))
        ? 'nonexistent directory'
        : this.#ctx.fs.writable(file)
          ? 'No space left on device'
          : 'Read-only file system'
      return { out: Buffer.from(`-sh: can't create ${file}: ${why}\n`, 'latin1'), status: 1 }
    }
    return { ...r, out: Buffer.alloc(0) }
  }

  #exec(argv: readonly string[], stdin: Buffer, depth: number): AppletResult {
    const name = argv[0] as string
    const base = name.split('/').pop() as string
    if (name.includes('/') && !APPLET_DIRS.some((d) => this.#ctx.fs.resolve(name) === d + base))
      return this.#dropped(name)
    if (base === 'busybox') return this.#busybox(argv, stdin, depth)
    if (base === 'sh' || base === 'ash') return this.#sh(argv, depth)
    const applet = APPLETS[base]
    if (applet) return applet(this.#ctx, argv, stdin)
    return { out: Buffer.from(`-sh: ${name}: not found\n`, 'latin1'), status: 127 }
  }

  #busybox(argv: readonly string[], stdin: Buffer, depth: number): AppletResult {
    const applet = argv[1]
    if (applet === undefined) return ok(this.#help())
    if (applet === 'sh' || applet === 'ash') return this.#sh(argv.slice(1), depth)
    const run = APPLETS[applet]
    if (run) return run(this.#ctx, argv.slice(1), stdin)
    return { out: Buffer.from(`${applet}: applet not found\n`, 'latin1'), status: 127 }
  }

  #sh(argv: readonly string[], depth: number): AppletResult {
    if (argv[1] === '-c' && argv[2] !== undefined && depth < MAX_NESTING) {
      const r = this.run(argv[2], depth + 1)
      return { out: r.out, status: 0, exit: r.exit }
    }
    const script = argv[1]
    if (script === undefined || script.startsWith('-')) return ok() // a nested shell: same prompt
    return this.#ctx.fs.read(script) !== undefined
      ? ok()
      : { out: Buffer.from(`sh: can't open '${script}'\n`, 'latin1'), status: 2 }
  }

  /** A program the attacker dropped: it exists or not, it never runs. */
  #dropped(name: string): AppletResult {
    if (this.#ctx.fs.read(name) === undefined)
      return { out: Buffer.from(`-sh: ${name}: not found\n`, 'latin1'), status: 127 }
    return ok()
  }

  #help(): string {
    const names = ['[', '[[', 'ash', 'busybox', ...Object.keys(APPLETS), 'sh'].sort()
    const rows: string[] = []
    for (let i = 0; i < names.length; i += 8) rows.push(`\t${names.slice(i, i + 8).join(', ')}`)
    return (
      `${this.#ctx.profile.busybox}\n\n` +
      'Usage: busybox [function] [arguments]...\n   or: function [arguments]...\n\n' +
      `Currently defined functions:\n${rows.join(',\n')}\n\n`
    )
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}
