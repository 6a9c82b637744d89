import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** A real daemon from Debian, what it really is (from dpkg), and where it listens. */
export interface RealService {
  name: string
  ip: string
  port: number
  /** The product mamori should name, and the upstream version of the installed package. */
  product: string
  version: string
}

export interface RealDaemons {
  services: RealService[]
  /** Daemons that could not be started here (binary missing), with why. */
  skipped: string[]
  stop(): Promise<void>
}

/** Upstream version of an installed Debian package (`1:9.2p1-2+deb12u10` → `9.2p1`). */
function packageVersion(pkg: string): string | undefined {
  try {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax
    const v = execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' })
    return v.replace(/^\d+:/, '').replace(/-[^-]*$/, '')
  } catch {
    return undefined
  }
}

/** A busybox with the telnetd applet: Debian's busybox-static has it, busybox does not. */
function telnetdBusybox(): string | undefined {
  for (const bin of [process.env.MAMORI_BUSYBOX_STATIC, '/bin/busybox', '/usr/bin/busybox']) {
    if (!bin || !existsSync(bin)) continue
    if (execFileSync(bin, ['--list'], { encoding: 'utf8' }).split('\n').includes('telnetd')) return bin
  }
  return undefined
}

function waitForPort(ip: string, port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms
  return new Promise((resolve) => {
    const attempt = () => {
      const s = net.connect({ host: ip, port })
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => {
        s.destroy()
        if (Date.now() > until) resolve(false)
        else setTimeout(attempt, 50)
      })
    }
    attempt()
  })
}

/**
 * Starts busybox telnetd, dropbear, OpenSSH, lighttpd, vsftpd and mosquitto on `<prefix>.1-6`
 * (non-privileged ports, loopback only). Each process is ours and is stopped by PID.
 */
export async function startRealDaemons(prefix: string): Promise<RealDaemons> {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-fp-daemons-'))
  const procs: ChildProcess[] = []
  const services: RealService[] = []
  const skipped: string[] = []
  const start = async (
    name: string,
    bin: string,
    args: string[],
    ip: string,
    port: number,
    pkg: string,
    product: string,
  ) => {
    const version = packageVersion(pkg)
    if (!existsSync(bin) || !version) {
      skipped.push(`${name}: ${bin} (package ${pkg}) is not installed`)
      return
    }
    const p = spawn(bin, args, { stdio: 'ignore', detached: false })
    procs.push(p)
    if (await waitForPort(ip, port, 5000)) services.push({ name, ip, port, product, version })
    else skipped.push(`${name}: did not listen on ${ip}:${port}`)
  }
  const ip = (n: number) => `${prefix}.${n}`

  const busybox = telnetdBusybox()
  if (busybox)
    await start(
      'busybox-telnetd',
      busybox,
      ['telnetd', '-F', '-p', '2323', '-b', ip(1), '-l', '/bin/login'],
      ip(1),
      2323,
      'busybox',
      'BusyBox telnetd',
    )
  else
    skipped.push(
      'busybox-telnetd: no busybox with the telnetd applet (install busybox-static or set MAMORI_BUSYBOX_STATIC)',
    )

  if (existsSync('/usr/bin/dropbearkey')) {
    execFileSync('/usr/bin/dropbearkey', ['-t', 'ed25519', '-f', join(dir, 'dropbear_ed25519')], {
      stdio: 'ignore',
    })
  }
  await start(
    'dropbear',
    '/usr/sbin/dropbear',
    ['-F', '-E', '-s', '-p', `${ip(2)}:2222`, '-r', join(dir, 'dropbear_ed25519')],
    ip(2),
    2222,
    'dropbear-bin',
    'Dropbear',
  )

  if (existsSync('/usr/bin/ssh-keygen')) {
    execFileSync(
      '/usr/bin/ssh-keygen',
      ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'ssh_host_ed25519_key')],
      { stdio: 'ignore' },
    )
  }
  mkdirSync('/run/sshd', { recursive: true })
  writeFileSync(
    join(dir, 'sshd_config'),
    `ListenAddress ${ip(3)}:2222\nHostKey ${join(dir, 'ssh_host_ed25519_key')}\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nPidFile none\n`,
  )
  await start(
    'openssh',
    '/usr/sbin/sshd',
    ['-D', '-e', '-f', join(dir, 'sshd_config')],
    ip(3),
    2222,
    'openssh-server',
    'OpenSSH',
  )

  mkdirSync(join(dir, 'www'))
  writeFileSync(
    join(dir, 'www', 'index.html'),
    '<html><head><title>It works</title></head><body>hi</body></html>\n',
  )
  writeFileSync(
    join(dir, 'lighttpd.conf'),
    `server.document-root = "${join(dir, 'www')}"\nserver.bind = "${ip(4)}"\nserver.port = 8080\nserver.pid-file = "${join(dir, 'lighttpd.pid')}"\nindex-file.names = ("index.html")\nserver.tag = "lighttpd/${packageVersion('lighttpd') ?? ''}"\n`,
  )
  await start(
    'lighttpd',
    '/usr/sbin/lighttpd',
    ['-D', '-f', join(dir, 'lighttpd.conf')],
    ip(4),
    8080,
    'lighttpd',
    'lighttpd',
  )

  mkdirSync('/var/run/vsftpd/empty', { recursive: true })
  writeFileSync(
    join(dir, 'vsftpd.conf'),
    `listen=YES\nlisten_ipv6=NO\nlisten_address=${ip(5)}\nlisten_port=2121\nbackground=NO\nanonymous_enable=YES\nanon_root=/var/run/vsftpd/empty\nno_anon_password=YES\nwrite_enable=NO\nlocal_enable=NO\nsecure_chroot_dir=/var/run/vsftpd/empty\nseccomp_sandbox=NO\n`,
  )
  await start('vsftpd', '/usr/sbin/vsftpd', [join(dir, 'vsftpd.conf')], ip(5), 2121, 'vsftpd', 'vsftpd')

  writeFileSync(
    join(dir, 'mosquitto.conf'),
    `listener 1883 ${ip(6)}\nallow_anonymous true\npersistence false\n`,
  )
  await start(
    'mosquitto',
    '/usr/sbin/mosquitto',
    ['-c', join(dir, 'mosquitto.conf')],
    ip(6),
    1883,
    'mosquitto',
    'Mosquitto',
  )

  return {
    services,
    skipped,
    async stop() {
      for (const p of procs) {
        if (p.exitCode === null && p.pid) {
          const exited = new Promise((r) => p.once('exit', r))
          p.kill('SIGTERM')
          await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
          if (p.exitCode === null) p.kill('SIGKILL')
        }
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
