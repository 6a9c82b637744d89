import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * A real BusyBox device the way embedded firmware runs one: the static busybox's telnetd (with its
 * login, or `-l /bin/sh`) and syslogd in a throw-away chroot with its own /etc/passwd and
 * /etc/shadow. It runs in a user namespace whose root is the host's `nobody` (uid 65534): the root
 * shell a test may reach is root only inside the chroot. BusyBox login logs every judged attempt to
 * the chroot's syslog, which is the device-side count the audit's `attempts` must equal.
 */
export interface BusyboxDevice {
  ip: string
  port: number
  /** Login attempts BusyBox logged: `invalid password for ...` and `... login on ...`. */
  loggedAttempts(): { failed: number; succeeded: number }
  stop(): Promise<void>
}

const NOBODY = 65534
const APPLETS = ['sh', 'ash', 'login', 'syslogd', 'telnetd']

/** Whether this machine can run it: root, user namespaces, setpriv and unshare. */
export function canRunBusyboxChroot(): boolean {
  if (process.getuid?.() !== 0) return false
  try {
    execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'unshare', '-U', 'true'], {
      stdio: 'ignore',
    })
    return true
  } catch {
    return false
  }
}

export interface BusyboxDeviceOptions {
  busybox: string
  ip: string
  port: number
  hostname: string
  /** shadow entries: `root::...` is an empty password; absent with `shell` */
  accounts?: { username: string; password: string | undefined }[]
  /** `telnetd -l /bin/sh`: a shell for whoever connects, no login at all. */
  shell?: boolean
}

function buildRoot(options: BusyboxDeviceOptions): string {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-busybox-'))
  for (const d of ['bin', 'etc', 'dev/pts', 'var/log', 'tmp', 'root'])
    mkdirSync(join(dir, d), { recursive: true })
  writeFileSync(join(dir, 'bin', 'busybox'), readFileSync(options.busybox), { mode: 0o755 })
  for (const applet of APPLETS) symlinkSync('busybox', join(dir, 'bin', applet))
  const accounts = options.accounts ?? []
  writeFileSync(
    join(dir, 'etc', 'passwd'),
    accounts.map((a, i) => `${a.username}:x:${i}:${i}:${a.username}:/root:/bin/sh\n`).join(''),
  )
  writeFileSync(join(dir, 'etc', 'group'), accounts.map((a, i) => `${a.username}:x:${i}:\n`).join(''))
  const shadow = accounts.map((a) => {
    const hash =
      a.password === ''
        ? ''
        : execFileSync('openssl', ['passwd', '-6', a.password ?? '*'], { encoding: 'utf8' }).trim()
    return `${a.username}:${hash}:19000:0:99999:7:::\n`
  })
  writeFileSync(join(dir, 'etc', 'shadow'), shadow.join(''), { mode: 0o600 })
  // the namespace's root (the host's nobody) owns its device, as root owns a real one
  execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, dir])
  execFileSync('mknod', ['-m', '666', join(dir, 'dev', 'null'), 'c', '1', '3'])
  chownSync(join(dir, 'dev', 'null'), NOBODY, NOBODY)
  chmodSync(dir, 0o755)
  return dir
}

/** Starts the device and resolves once telnetd listens. */
export async function startBusyboxDevice(options: BusyboxDeviceOptions): Promise<BusyboxDevice> {
  const dir = buildRoot(options)
  const telnetd = ['/bin/telnetd', '-F', '-p', String(options.port), '-b', options.ip]
  if (options.shell) telnetd.push('-l', '/bin/sh')
  const inside = [
    `mount -t devpts -o newinstance,ptmxmode=0666 devpts '${dir}/dev/pts'`,
    `ln -sf pts/ptmx '${dir}/dev/ptmx'`,
    `hostname '${options.hostname}'`,
    `exec chroot '${dir}' /bin/sh -c '/bin/syslogd -n -O /var/log/messages & exec ${telnetd.join(' ')}'`,
  ].join(' && ')
  // the namespace is made by nobody; the host's root then maps nobody to the namespace's root
  // (written from outside, so setgroups stays allowed and BusyBox login can drop to the account)
  const child = spawn(
    'setpriv',
    [
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      'unshare',
      '-U',
      '-m',
      '-u',
      '--propagation',
      'private',
      'sh',
      '-c',
      `while [ -z "$(cat /proc/self/uid_map)" ]; do sleep 0.02; done; exec sh -c "${inside.replace(/"/g, '\\"')}"`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  )
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 4096) stderr += d.toString()
  })
  const device: BusyboxDevice = {
    ip: options.ip,
    port: options.port,
    loggedAttempts() {
      const log = join(dir, 'var', 'log', 'messages')
      const lines = existsSync(log) ? readFileSync(log, 'utf8').split('\n') : []
      return {
        failed: lines.filter((l) => /login\[\d+\]: invalid password for /.test(l)).length,
        succeeded: lines.filter((l) => /login\[\d+\]: \S+ login on /.test(l)).length,
      }
    },
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        try {
          process.kill(-child.pid, 'SIGTERM')
        } catch {
          child.kill('SIGTERM')
        }
        await Promise.race([exited, sleep(2000)])
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    await inOwnUserNamespace(child)
    writeFileSync(`/proc/${child.pid}/gid_map`, `0 ${NOBODY} 1\n`)
    writeFileSync(`/proc/${child.pid}/uid_map`, `0 ${NOBODY} 1\n`)
    await waitForListener(options.ip, options.port, child)
  } catch (err) {
    await device.stop()
    throw new Error(`busybox device on ${options.ip}:${options.port}: ${(err as Error).message} ${stderr}`)
  }
  return device
}

/** Waits until the child has made its user namespace (its map can only be written then). */
async function inOwnUserNamespace(child: ChildProcess, ms = 3000): Promise<void> {
  const ours = readlinkSync('/proc/self/ns/user')
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`)
    try {
      if (readlinkSync(`/proc/${child.pid}/ns/user`) !== ours) return
    } catch {
      // not started yet
    }
    await sleep(10)
  }
  throw new Error('no user namespace within 3 s')
}

async function waitForListener(ip: string, port: number, child: ChildProcess, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`)
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: ip, port })
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (up) return
    await sleep(50)
  }
  throw new Error(`no listener within ${ms} ms`)
}
