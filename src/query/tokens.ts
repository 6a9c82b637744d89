/**
 * The one tokenizer for banner text, used both when indexing and when searching, so that SQLite
 * FTS5 and PostgreSQL full text see the same words: lower-case runs of letters and digits.
 */
export function textTokens(text: string): string[] {
  // most banners are ASCII, and the ASCII class is several times faster than the Unicode one
  if (!NON_ASCII.test(text)) return text.toLowerCase().match(/[a-z0-9]+/g) ?? []
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}

const NON_ASCII = /[^\p{ASCII}]/u
