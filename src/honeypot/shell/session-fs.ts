import type { DeviceProfile } from '../device-profile.js'
import type { Arch } from './elf-header.js'
import { elfHeader } from './elf-header.js'

/** What one session may write, in total and in files: echo uploads of a bot binary fit, floods do not. */
const MAX_WRITTEN_BYTES = 1024 * 1024
const MAX_FILES = 64

/** The applets every /bin name links to (BusyBox installs them as links to itself). */
const BIN_LINKS = [
  'busybox',
  'sh',
  'ash',
  'echo',
  'cat',
  'cp',
  'mv',
  'rm',
  'ls',
  'ps',
  'kill',
  'mkdir',
  'chmod',
  'mount',
  'uname',
  'hostname',
  'wget',
  'tftp',
  'ftpget',
  'sleep',
  'grep',
  'head',
  'df',
  'free',
  'ifconfig',
  'login',
]

/**
 * The files one session sees: the profile's read-only tree, /bin links that read as the device's ELF
 * binary, and an in-memory overlay for what the attacker writes (echo, >, cp), bounded in bytes and
 * files and thrown away with the session. Nothing reaches the real disk.
 */
export class SessionFs {
  cwd = '/'
  readonly #base = new Map<string, Buffer>()
  readonly #dirs = new Set<string>(['/'])
  readonly #written = new Map<string, Buffer>()
  readonly #removed = new Set<string>()
  /** Mount points and whether they are writable; the last line for a mount point wins, as in the kernel. */
  readonly #mounts = new Map<string, boolean>()
  #writtenBytes = 0

  constructor(profile: DeviceProfile) {
    const elf = elfHeader(profile.arch as Arch)
    for (const name of BIN_LINKS) this.#addBase(`/bin/${name}`, elf)
    for (const [path, text] of Object.entries(profile.files)) this.#addBase(path, Buffer.from(text, 'utf8'))
    this.#addBase('/proc/cpuinfo', Buffer.from(profile.cpuinfo, 'utf8'))
    this.#addBase('/proc/mounts', Buffer.from(profile.mounts, 'utf8'))
    for (const line of profile.mounts.split('\n')) {
      const [, dir, type, options] = line.split(' ')
      if (dir && options)
        this.#mounts.set(dir, options.split(',').includes('rw') && type !== 'proc' && type !== 'sysfs')
    }
    for (const dir of ['/tmp', '/var', '/dev', '/root', '/mnt', '/usr', '/sbin', '/lib']) this.#dirs.add(dir)
  }

  #addBase(path: string, bytes: Buffer): void {
    this.#base.set(path, bytes)
    for (let d = parent(path); d !== '/'; d = parent(d)) this.#dirs.add(d)
  }

  resolve(path: string): string {
    const parts = (path.startsWith('/') ? path : `${this.cwd}/${path}`).split('/')
    const out: string[] = []
    for (const p of parts) {
      if (p === '' || p === '.') continue
      if (p === '..') out.pop()
      else out.push(p)
    }
    return `/${out.join('/')}`
  }

  read(path: string): Buffer | undefined {
    const p = this.resolve(path)
    if (this.#removed.has(p)) return undefined
    return this.#written.get(p) ?? this.#base.get(p)
  }

  isDir(path: string): boolean {
    const p = this.resolve(path)
    return this.#dirs.has(p) && !this.#removed.has(p)
  }

  /** Whether the file system holding `path` is mounted read-write (the deepest mount point decides). */
  writable(path: string): boolean {
    const p = this.resolve(path)
    let best = ''
    let rw = true
    for (const [dir, writable] of this.#mounts) {
      const inside = dir === '/' || p === dir || p.startsWith(`${dir}/`)
      if (inside && dir.length >= best.length) {
        best = dir
        rw = writable
      }
    }
    return rw
  }

  /** Writes (or appends to) a file; false when the directory is missing or read-only, or the quota is spent. */
  write(path: string, bytes: Buffer, append = false): boolean {
    const p = this.resolve(path)
    if (!this.isDir(parent(p)) || this.isDir(p) || !this.writable(p)) return false
    const before = append ? (this.read(p) ?? Buffer.alloc(0)) : Buffer.alloc(0)
    const isNew = !this.#written.has(p)
    if (isNew && this.#written.size >= MAX_FILES) return false
    if (this.#writtenBytes + bytes.length > MAX_WRITTEN_BYTES) return false
    this.#writtenBytes += bytes.length
    this.#written.set(p, before.length ? Buffer.concat([before, bytes]) : Buffer.from(bytes))
    this.#removed.delete(p)
    return true
  }

  remove(path: string): boolean {
    const p = this.resolve(path)
    if (this.read(p) === undefined) return false
    this.#written.delete(p)
    if (this.#base.has(p)) this.#removed.add(p)
    return true
  }

  mkdir(path: string): boolean {
    const p = this.resolve(path)
    if (this.isDir(p) || !this.isDir(parent(p)) || this.#dirs.size > 256) return false
    this.#dirs.add(p)
    return true
  }

  /** Names directly inside a directory, sorted. */
  list(path: string): string[] {
    const dir = this.resolve(path)
    const names = new Set<string>()
    const prefix = dir === '/' ? '/' : `${dir}/`
    const visible = (p: string) => !this.#removed.has(p) && p.startsWith(prefix) && p !== dir
    for (const p of [...this.#base.keys(), ...this.#written.keys(), ...this.#dirs]) {
      if (visible(p)) names.add(p.slice(prefix.length).split('/')[0] as string)
    }
    return [...names].sort()
  }
}

function parent(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}
