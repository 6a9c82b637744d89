import type { Applet } from './applet.js'
import { fail, ok } from './applet.js'

const ps: Applet = (ctx) => {
  const rows = ctx.profile.processes.map(
    (p) =>
      `${String(p.pid).padStart(5)} ${p.user.padEnd(8)} ${String(p.pid < 100 ? 0 : 1200 + p.pid).padStart(5)} S    ${p.command}`,
  )
  return ok(`  PID USER       VSZ STAT COMMAND\n${rows.join('\n')}\n`)
}

const uname: Applet = (ctx, argv) => {
  const u = ctx.profile.uname
  const all = [u.sysname, ctx.profile.hostname, u.release, u.version, u.machine, 'GNU/Linux']
  const flags = argv.slice(1).join('')
  if (flags.includes('a')) return ok(`${all.join(' ')}\n`)
  const pick: string[] = []
  if (flags.includes('s') || flags === '') pick.push(u.sysname)
  if (flags.includes('n')) pick.push(ctx.profile.hostname)
  if (flags.includes('r')) pick.push(u.release)
  if (flags.includes('v')) pick.push(u.version)
  if (flags.includes('m')) pick.push(u.machine)
  return ok(`${pick.join(' ')}\n`)
}

const free: Applet = () =>
  ok(
    '              total         used         free       shared      buffers\n' +
      '  Mem:         59104        49760         9344            0            0\n' +
      ' Swap:             0            0            0\n' +
      'Total:         59104        49760         9344\n',
  )

const df: Applet = (ctx) => {
  const rows = ctx.profile.mounts
    .split('\n')
    .filter((l) => /\s(tmpfs|jffs2|ramfs|squashfs)\s/.test(l))
    .map((l) => {
      const [dev, dir, type] = l.split(' ')
      const size = type === 'squashfs' ? 6272 : type === 'jffs2' ? 3072 : 29552
      const used = type === 'squashfs' ? size : Math.round(size / 9)
      return `${(dev as string).padEnd(20)} ${String(size).padStart(9)} ${String(used).padStart(9)} ${String(size - used).padStart(9)} ${String(Math.round((used * 100) / size)).padStart(3)}% ${dir}`
    })
  return ok(`Filesystem           1K-blocks      Used Available Use% Mounted on\n${rows.join('\n')}\n`)
}

export const systemApplets: Record<string, Applet> = {
  ps,
  uname,
  free,
  df,
  mount: (ctx) => ok(ctx.profile.mounts),
  hostname: (ctx) => ok(`${ctx.profile.hostname}\n`),
  id: () => ok('uid=0(root) gid=0(root)\n'),
  whoami: () => ok('root\n'),
  kill: (_ctx, argv) => (argv.length < 2 ? fail('kill: usage: kill [-s SIGNAL | -SIGNAL] PID...\n') : ok()),
  sleep: () => ok(),
  true: () => ok(),
  false: () => ({ out: Buffer.alloc(0), status: 1 }),
  exit: () => ({ out: Buffer.alloc(0), status: 0, exit: true }),
  logout: () => ({ out: Buffer.alloc(0), status: 0, exit: true }),
}
