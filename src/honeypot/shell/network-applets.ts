import type { Applet, ShellContext } from './applet.js'
import { fail } from './applet.js'

/** Option letters that take a value, per tool, so the URL and the output file are found. */
const WGET_VALUED = new Set(['-O', '-P', '-U', '-T', '-Y', '--header', '--user-agent', '-o'])

function hostOf(url: string): string {
  return /^[a-z]+:\/\/([^/:]*)/i.exec(url)?.[1] ?? url
}

/** `wget URL [-O FILE]`: the request is recorded; the host is never resolved or contacted. */
const wget: Applet = (ctx, argv) => {
  let url: string | undefined
  let dest: string | undefined
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string
    if (WGET_VALUED.has(a)) {
      if (a === '-O') dest = argv[i + 1]
      i++
    } else if (!a.startsWith('-')) url ??= a
  }
  if (!url)
    return fail(
      "BusyBox: wget: missing URL\nUsage: wget [-c|--continue] [-s|--spider] [-q|--quiet] [-O|--output-document FILE]\n\t[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]\n\t[-U|--user-agent AGENT] URL...\n",
    )
  const full = /^[a-z]+:\/\//i.test(url) ? url : `http://${url}`
  record(ctx, full, dest && dest !== '-' ? dest : undefined)
  const host = hostOf(full)
  return fail(
    `Connecting to ${host} (${host})\nwget: can't connect to remote host (${host}): Connection timed out\n`,
  )
}

/** BusyBox `tftp -g -l LOCAL -r REMOTE HOST [PORT]` and the `tftp HOST -c get FILE` spelling bots use. */
const tftp: Applet = (ctx, argv) => {
  let local: string | undefined
  let remote: string | undefined
  const rest: string[] = []
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '-l') local = argv[++i]
    else if (a === '-r') remote = argv[++i]
    else if (a === '-c' && argv[i + 1] === 'get') {
      remote = argv[i + 2]
      i += 2
    } else if (!a.startsWith('-')) rest.push(a)
  }
  const host = rest[0]
  if (!host || !(remote ?? local))
    return fail(
      'BusyBox: tftp: missing host\nUsage: tftp [OPTIONS] HOST [PORT]\n\n\t-l FILE\tLocal FILE\n\t-r FILE\tRemote FILE\n\t-g\tGet file\n\t-p\tPut file\n',
    )
  const port = rest[1] && /^\d+$/.test(rest[1]) ? `:${rest[1]}` : ''
  record(ctx, `tftp://${host}${port}/${remote ?? local}`, local ?? remote)
  return fail('tftp: timeout\n')
}

/** `ftpget [-u USER -p PASS -P PORT] HOST LOCAL REMOTE`. */
const ftpget: Applet = (ctx, argv) => {
  const rest: string[] = []
  let port = ''
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '-P') port = `:${argv[++i] ?? ''}`
    else if (a === '-u' || a === '-p') i++
    else if (!a.startsWith('-')) rest.push(a)
  }
  const [host, local, remote] = rest
  if (!host || !local)
    return fail('BusyBox: ftpget: missing host\nUsage: ftpget [OPTIONS] HOST [LOCAL_FILE] REMOTE_FILE\n')
  record(ctx, `ftp://${host}${port}/${remote ?? local}`, local)
  return fail(`ftpget: can't connect to remote host (${host}): Connection timed out\n`)
}

function record(ctx: ShellContext, url: string, destfile: string | undefined): void {
  ctx.onDownload(destfile ? { url, destfile } : { url })
}

export const networkApplets: Record<string, Applet> = { wget, tftp, ftpget }
