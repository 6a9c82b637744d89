/**
 * How a field's values are read and compared:
 * - `string`: case-insensitive equality (indexed);
 * - `text`: case-insensitive substring;
 * - `int` / `float`: a number or an inclusive range `lo-hi`;
 * - `cidr`: an IPv4 address or CIDR, compared on the numeric address;
 * - `date`: `YYYY-MM-DD` or an ISO 8601 time, compared with the last time the service was seen;
 * - `bool`: true/false; `enum`: one of `values`.
 */
type FieldType = 'string' | 'text' | 'int' | 'float' | 'cidr' | 'date' | 'bool' | 'enum'

/**
 * A logical search field (`port`, `http.title`): its name in the search language, how its values
 * are compared, and whether it is a facet. Where it is stored is the store's business.
 */
export interface SearchField {
  readonly name: string
  readonly type: FieldType
  readonly description: string
  /** For `date`: which side of the value matches. */
  readonly compare?: 'before' | 'after'
  readonly values?: readonly string[]
  readonly min?: number
  readonly max?: number
  /** Case of stored values for `string` fields kept in one case (vulnerability ids). */
  readonly upper?: boolean
  /** `string` fields compared case-sensitively (ids). */
  readonly exact?: boolean
  /** Counted by `--facets`. */
  readonly facet?: boolean
}

/** A search field a protocol module contributes, and how one of its results fills it. */
export interface ModuleSearchField<R> extends SearchField {
  value(result: R): string | number | undefined
}
