/** `Hikvision Digital`, `hikvision-digital`, `HIKVISION_DIGITAL` → `hikvisiondigital`. */
export function normalizeVendor(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/**
 * Whether a fingerprint's vendor selects an entry with these (normalised) aliases: the same name,
 * or a longer one that starts with an alias of four letters or more (`hikvisiondigital`).
 */
export function vendorMatches(aliases: readonly string[], vendor: string): boolean {
  const name = normalizeVendor(vendor)
  return name !== '' && aliases.some((a) => a === name || (a.length >= 4 && name.startsWith(a)))
}
