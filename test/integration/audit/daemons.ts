import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Real Debian daemons started by the audit tests on 127.50.9.x, each checking a known password
 * without touching the machine's accounts: the daemon runs in its own mount namespace
 * (`unshare -m`) where /etc/passwd and /etc/shadow are bind-mounted copies that hold only the test
 * account. Each is stopped by the PID we started.
 */
export interface Daemon {
  ip: string
  port: number
  stop(): Promise<void>
}

/** The test account: named `root` like Mirai's first entry, but uid/gid 65534 (nobody). */
export const ACCOUNT = { username: 'root', password: 'xc3511' }

function which(cmd: string): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin']) {
    if (existsSync(join(dir, cmd))) return join(dir, cmd)
  }
  return undefined
}

/** A busybox with the telnetd and login applets (Debian's busybox-static has them, busybox does not). */
export function telnetdBusybox(): string | undefined {
  const candidates = [process.env.MAMORI_BUSYBOX_STATIC, '/bin/busybox', '/usr/bin/busybox'].filter(
    Boolean,
  ) as string[]
  for (const bin of candidates) {
    if (!existsSync(bin)) continue
    const applets = execFileSync(bin, ['--list'], { encoding: 'utf8' }).split('\n')
    if (applets.includes('telnetd') && applets.includes('login')) return bin
  }
  return undefined
}

/** Whether this machine can run the namespaced daemons at all (root, unshare, bind mounts). */
export function canNamespace(): boolean {
  try {
    execFileSync('unshare', ['-m', '--propagation', 'private', 'true'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export const tools = {
  dropbear: which('dropbear'),
  dropbearkey: which('dropbearkey'),
  vsftpd: which('vsftpd'),
  mosquitto: which('mosquitto'),
  mosquittoPasswd: which('mosquitto_passwd'),
  lighttpd: which('lighttpd'),
  openssl: which('openssl'),
}

/** The test account's files; an empty `password` gives it none at all (`root::` in shadow). */
function accountFiles(dir: string, password = ACCOUNT.password): { passwd: string; shadow: string } {
  const hash =
    password === '' ? '' : execFileSync('openssl', ['passwd', '-6', password], { encoding: 'utf8' }).trim()
  const passwd = join(dir, 'passwd')
  const shadow = join(dir, 'shadow')
  const home = join(dir, 'home')
  mkdirSync(home, { mode: 0o755 })
  chmodSync(dir, 0o755) // the account's home must be reachable by uid 65534
  writeFileSync(passwd, `${ACCOUNT.username}:x:65534:65534:mamori test:${home}:/bin/sh\n`)
  writeFileSync(shadow, `${ACCOUNT.username}:${hash}:19000:0:99999:7:::\n`, { mode: 0o600 })
  return { passwd, shadow }
}

/** Runs `command` inside a private mount namespace with our passwd/shadow over the real ones. */
function namespaced(
  dir: string,
  command: string[],
  extra: Record<string, string> = {},
  password?: string,
): ChildProcess {
  const { passwd, shadow } = accountFiles(dir, password)
  const binds = { '/etc/passwd': passwd, '/etc/shadow': shadow, ...extra }
  const mounts = Object.entries(binds).map(([over, file]) => `mount --bind '${file}' '${over}'`)
  const quoted = command.map((c) => `'${c.replace(/'/g, `'\\''`)}'`).join(' ')
  const script = `${mounts.join(' && ')} && exec ${quoted}`
  return start(['unshare', '-m', '--propagation', 'private', 'sh', '-c', script])
}

function start(argv: string[]): ChildProcess {
  const child = spawn(argv[0] as string, argv.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  })
  child.stderr?.on('data', () => {})
  return child
}

async function waitForPort(ip: string, port: number, child: ChildProcess, ms = 5000): Promise<void> {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`daemon exited with ${child.exitCode}`)
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
  throw new Error(`no listener on ${ip}:${port} within ${ms} ms`)
}

function daemon(ip: string, port: number, child: ChildProcess, dir: string): Daemon {
  return {
    ip,
    port,
    async stop() {
      if (child.exitCode === null && child.pid !== undefined) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        try {
          process.kill(-child.pid, 'SIGTERM') // its process group: the daemon and its sessions
        } catch {
          child.kill('SIGTERM')
        }
        await Promise.race([exited, sleep(2000)])
        if (child.exitCode === null) {
          try {
            process.kill(-child.pid, 'SIGKILL')
          } catch {
            // already gone
          }
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function up(ip: string, port: number, dir: string, child: ChildProcess): Promise<Daemon> {
  const d = daemon(ip, port, child, dir)
  try {
    await waitForPort(ip, port, child)
  } catch (err) {
    await d.stop()
    throw err
  }
  return d
}

/** busybox telnetd with busybox login checking the test account (a real login: dialogue). */
export async function startTelnetd(busybox: string, ip: string, port = 23): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-telnetd-'))
  const login = join(dir, 'login.sh')
  writeFileSync(login, `#!/bin/sh\nexec '${busybox}' login\n`, { mode: 0o755 })
  const issue = join(dir, 'issue')
  writeFileSync(issue, '\r\nBusyBox on mamori-test\r\n')
  return up(
    ip,
    port,
    dir,
    namespaced(dir, [busybox, 'telnetd', '-F', '-p', String(port), '-b', ip, '-l', login, '-f', issue]),
  )
}

/** dropbear with password logins for the test account (`password: ''` and `-B`: an account without one). */
export async function startDropbear(
  ip: string,
  port = 22,
  extra: string[] = [],
  password?: string,
): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-dropbear-'))
  const key = join(dir, 'host_key')
  execFileSync(tools.dropbearkey as string, ['-t', 'ed25519', '-f', key], { stdio: 'ignore' })
  return up(
    ip,
    port,
    dir,
    namespaced(
      dir,
      [
        tools.dropbear as string,
        '-F',
        '-E',
        '-p',
        `${ip}:${port}`,
        '-r',
        key,
        '-P',
        join(dir, 'pid'),
        ...extra,
      ],
      {},
      password,
    ),
  )
}

/** vsftpd with local logins (PAM over the namespaced shadow) for the test account. */
export async function startVsftpd(ip: string, port = 21): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-vsftpd-'))
  const empty = join(dir, 'empty')
  execFileSync('mkdir', ['-p', empty])
  const conf = join(dir, 'vsftpd.conf')
  writeFileSync(
    conf,
    [
      'listen=YES',
      'listen_ipv6=NO',
      `listen_address=${ip}`,
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=NO',
      'local_enable=YES',
      'pam_service_name=vsftpd',
      `secure_chroot_dir=${empty}`,
      'seccomp_sandbox=NO',
      'delay_failed_login=0',
      'max_login_fails=10',
      `vsftpd_log_file=${join(dir, 'log')}`,
      '',
    ].join('\n'),
  )
  // Debian's /etc/ftpusers bars root from FTP: an empty one in the namespace
  const ftpusers = join(dir, 'ftpusers')
  writeFileSync(ftpusers, '')
  return up(ip, port, dir, namespaced(dir, [tools.vsftpd as string, conf], { '/etc/ftpusers': ftpusers }))
}

/** mosquitto requiring a password (password_file), anonymous refused. */
export async function startMosquitto(ip: string, port = 1883): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-mosquitto-'))
  const pw = join(dir, 'passwd')
  execFileSync(tools.mosquittoPasswd as string, ['-c', '-b', pw, ACCOUNT.username, ACCOUNT.password], {
    stdio: 'ignore',
  })
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(
    conf,
    `listener ${port} ${ip}\nallow_anonymous false\npassword_file ${pw}\nuser root\npersistence false\n`,
  )
  return up(ip, port, dir, start([tools.mosquitto as string, '-c', conf]))
}

/** lighttpd with Basic auth on one port and Digest on the next (plain user file). */
export async function startLighttpd(ip: string, port = 8080): Promise<Daemon> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-lighttpd-'))
  const users = join(dir, 'users')
  writeFileSync(users, `${ACCOUNT.username}:${ACCOUNT.password}\n`)
  writeFileSync(join(dir, 'index.html'), '<html><title>camera</title></html>')
  const conf = join(dir, 'lighttpd.conf')
  writeFileSync(
    conf,
    [
      'server.modules = ("mod_auth", "mod_authn_file")',
      `server.document-root = "${dir}"`,
      `server.bind = "${ip}"`,
      `server.port = ${port}`,
      `server.errorlog = "${join(dir, 'error.log')}"`,
      'index-file.names = ("index.html")',
      'auth.backend = "plain"',
      `auth.backend.plain.userfile = "${users}"`,
      'auth.require = ("/" => ("method" => "basic", "realm" => "mamori", "require" => "valid-user"))',
      `$SERVER["socket"] == "${ip}:${port + 1}" {`,
      '  auth.require = ("/" => ("method" => "digest", "realm" => "mamori", "require" => "valid-user"))',
      '}',
      '',
    ].join('\n'),
  )
  const d = await up(ip, port, dir, start([tools.lighttpd as string, '-D', '-f', conf]))
  return d
}
