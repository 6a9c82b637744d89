/** The formats `vuln import` reads; detected from content, never from the file name. */
export type VulnFormat =
  | 'nvd-1.1-feed'
  | 'nvd-2.0-response'
  | 'nvd-2.0-cve'
  | 'cve5-record'
  | 'cve5-bundle'
  | 'kev'
  | 'csaf'
  | 'jvn-vuldef'
  | 'jvn-rss'

/**
 * Guesses the format from the first bytes (64 KiB, decompressed). Keys are searched as JSON
 * member names, so a description mentioning "CVE_Items" does not fool it in practice; a file
 * whose telling keys come later than the head is reported as unknown (undefined).
 */
export function detectFormat(head: Buffer): VulnFormat | undefined {
  const text = head.toString('utf8').replace(/^\uFEFF/, '')
  const start = text.trimStart()
  if (start.startsWith('<')) {
    if (/<(?:\w+:)?VULDEF-Document[\s>]/.test(text) || /<Vulinfo[\s>]/.test(text)) return 'jvn-vuldef'
    if (/<(?:\w+:)?RDF[\s>]/.test(text) && /jvn\.jp\/rss\/mod_sec/.test(text)) return 'jvn-rss'
    return undefined
  }
  const has = (key: string) => new RegExp(`"${key}"\\s*:`).test(text)
  if (start.startsWith('[')) {
    if (has('cveMetadata') || /"dataType"\s*:\s*"CVE_RECORD"/.test(text)) return 'cve5-bundle'
    return undefined
  }
  if (!start.startsWith('{')) return undefined
  if (has('CVE_Items')) return 'nvd-1.1-feed'
  if (has('catalogVersion') && has('vulnerabilities')) return 'kev'
  if (has('csaf_version') || (has('document') && has('product_tree'))) return 'csaf'
  if (has('resultsPerPage') || /"format"\s*:\s*"NVD_CVE"/.test(text)) return 'nvd-2.0-response'
  if (has('cveMetadata')) {
    // JSON Lines of CVE 5 records read the same way as one record
    return 'cve5-record'
  }
  if (/"id"\s*:\s*"CVE-\d{4}-\d+"/.test(text) && (has('lastModified') || has('configurations')))
    return 'nvd-2.0-cve'
  return undefined
}
