export interface CoapResult {
  /** Response code to GET /.well-known/core, `2.05` = content. */
  code?: string
  content_format?: number
  /** Resources listed in /.well-known/core (path and link attributes such as rt, if, ct, title). */
  resources: { path: string; rt?: string; if?: string; ct?: string; title?: string }[]
  /** The listing continues in further blocks, not fetched. */
  more_blocks?: boolean
}
