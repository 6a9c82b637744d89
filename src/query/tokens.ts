/**
 * The one tokenizer for banner text, used both when indexing and when searching, so that SQLite
 * FTS5 and PostgreSQL full text see the same words: lower-case runs of letters and digits.
 */
export function textTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
}
