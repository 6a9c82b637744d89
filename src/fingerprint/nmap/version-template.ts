/** The version fields after an nmap match pattern: `p/vsftpd/ v/$1/ cpe:/a:beasts:vsftpd:$1/`. */
export interface VersionInfo {
  p?: string
  v?: string
  i?: string
  h?: string
  o?: string
  d?: string
  /** Without the `cpe:/` prefix; several allowed. */
  cpe: string[]
}

/** Parses the version fields; throws on an unknown field or a missing closing delimiter. */
export function parseVersionInfo(text: string): VersionInfo {
  const info: VersionInfo = { cpe: [] }
  let i = 0
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++
      continue
    }
    let key: string
    if (text.startsWith('cpe:', i)) {
      key = 'cpe'
      i += 4
    } else {
      key = text[i] as string
      if (!/[pvihod]/.test(key)) throw new Error(`unknown field "${text.slice(i, i + 10)}"`)
      i++
    }
    const delim = text[i]
    if (delim === undefined) throw new Error(`field ${key} has no value`)
    const end = text.indexOf(delim, i + 1)
    if (end < 0) throw new Error(`field ${key} is not closed by "${delim}"`)
    const value = text.slice(i + 1, end)
    i = end + 1
    if (key === 'cpe') {
      if (!/^\/?[aoh]:/.test(value) && !/^[aoh]:/.test(value)) throw new Error(`bad cpe "${value}"`)
      info.cpe.push(value.replace(/^\//, ''))
      // the "a" flag after a CPE (auto-generated) carries no meaning for us
      if (text[i] === 'a') i++
    } else {
      info[key as 'p'] = value
    }
  }
  return info
}

/**
 * Expands nmap's helpers in a version template: `$1`, `$P(1)` (printable characters only),
 * `$SUBST(1,"_",".")` (replace all), `$I(1,">")` (the captured bytes as a big/little-endian
 * unsigned integer).
 */
export function expandTemplate(template: string, group: (n: number) => string | undefined): string {
  return template.replace(
    /\$(?:(\d)|P\((\d)\)|SUBST\((\d),"([^"]*)","([^"]*)"\)|I\((\d),"([<>])"\))/g,
    (_whole, plain, p, sn, from, to, inum, endian) => {
      if (plain) return group(Number(plain)) ?? ''
      if (p) return (group(Number(p)) ?? '').replace(/[^\x20-\x7e]/g, '')
      if (sn) return (group(Number(sn)) ?? '').split(from).join(to)
      const bytes = [...(group(Number(inum)) ?? '')].map((c) => c.charCodeAt(0) & 0xff)
      if (endian === '<') bytes.reverse()
      return String(bytes.reduce((acc, b) => acc * 256 + b, 0))
    },
  )
}
