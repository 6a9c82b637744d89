import type { Applet } from './applet.js'
import { fail, ok } from './applet.js'
import { expandEchoEscapes } from './echo-escapes.js'

const echo: Applet = (_ctx, argv) => {
  let i = 1
  let escapes = false
  let newline = true
  for (; i < argv.length && /^-[neE]+$/.test(argv[i] as string); i++) {
    for (const f of (argv[i] as string).slice(1)) {
      if (f === 'n') newline = false
      else if (f === 'e') escapes = true
      else escapes = false
    }
  }
  const text = argv.slice(i).join(' ')
  if (!escapes) return ok(newline ? `${text}\n` : text)
  const { bytes, stop } = expandEchoEscapes(text)
  return { out: newline && !stop ? Buffer.concat([bytes, Buffer.from('\n')]) : bytes, status: 0 }
}

const cat: Applet = (ctx, argv, stdin) => {
  if (argv.length < 2) return { out: stdin, status: 0 }
  const parts: Buffer[] = []
  let status = 0
  for (const name of argv.slice(1)) {
    const bytes = ctx.fs.read(name)
    if (bytes) parts.push(bytes)
    else {
      parts.push(Buffer.from(`cat: can't open '${name}': No such file or directory\n`, 'latin1'))
      status = 1
    }
  }
  return { out: Buffer.concat(parts), status }
}

const ls: Applet = (ctx, argv) => {
  const targets = argv.slice(1).filter((a) => !a.startsWith('-'))
  const lines: string[] = []
  for (const t of targets.length ? targets : ['.']) {
    if (ctx.fs.isDir(t)) lines.push(ctx.fs.list(t).join('  '))
    else if (ctx.fs.read(t)) lines.push(t)
    else return fail(`ls: ${t}: No such file or directory\n`)
  }
  return ok(
    lines
      .filter(Boolean)
      .map((l) => `${l}\n`)
      .join(''),
  )
}

const cd: Applet = (ctx, argv) => {
  const to = argv[1] ?? '/'
  if (!ctx.fs.isDir(to)) return fail(`-sh: cd: can't cd to ${to}\n`, 2)
  ctx.fs.cwd = ctx.fs.resolve(to)
  return ok()
}

const pwd: Applet = (ctx) => ok(`${ctx.fs.cwd}\n`)

const cp: Applet = (ctx, argv) => {
  const [from, to] = argv.slice(1).filter((a) => !a.startsWith('-'))
  if (!from || !to) return fail('BusyBox: cp: missing file operand\n')
  const bytes = ctx.fs.read(from)
  if (!bytes) return fail(`cp: can't stat '${from}': No such file or directory\n`)
  const target = ctx.fs.isDir(to) ? `${to}/${from.split('/').pop()}` : to
  return ctx.fs.write(target, bytes) ? ok() : fail(`cp: can't create '${to}': No space left on device\n`)
}

const mv: Applet = (ctx, argv) => {
  const r = cp(ctx, argv, Buffer.alloc(0))
  if (r.status === 0) ctx.fs.remove(argv.filter((a) => !a.startsWith('-'))[1] as string)
  return r
}

const rm: Applet = (ctx, argv) => {
  for (const name of argv.slice(1).filter((a) => !a.startsWith('-'))) ctx.fs.remove(name)
  return ok()
}

const mkdir: Applet = (ctx, argv) => {
  for (const name of argv.slice(1).filter((a) => !a.startsWith('-'))) ctx.fs.mkdir(name)
  return ok()
}

const chmod: Applet = (ctx, argv) => {
  const name = argv[argv.length - 1] ?? ''
  return argv.length < 3 || ctx.fs.read(name) || ctx.fs.isDir(name)
    ? ok()
    : fail(`chmod: ${name}: No such file or directory\n`)
}

const grep: Applet = (_ctx, argv, stdin) => {
  const pattern = argv.slice(1).find((a) => !a.startsWith('-')) ?? ''
  const lines = stdin.toString('latin1').split('\n')
  const hits = lines.filter((l) => l.includes(pattern))
  return hits.length ? ok(`${hits.join('\n')}\n`) : { out: Buffer.alloc(0), status: 1 }
}

const head: Applet = (_ctx, argv, stdin) => {
  const n = Number(/^-n?(\d+)$/.exec(argv[1] ?? '')?.[1] ?? (argv[1] === '-n' ? argv[2] : 10)) || 10
  return ok(`${stdin.toString('latin1').split('\n').slice(0, n).join('\n')}\n`)
}

export const fileApplets: Record<string, Applet> = {
  echo,
  cat,
  ls,
  cd,
  pwd,
  cp,
  mv,
  rm,
  mkdir,
  chmod,
  grep,
  head,
  touch: (ctx, argv) => {
    for (const name of argv.slice(1)) if (!ctx.fs.read(name)) ctx.fs.write(name, Buffer.alloc(0))
    return ok()
  },
}
