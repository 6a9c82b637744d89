/**
 * One record cut out of a JSON stream: its value, or why this record (and only it) is refused.
 * `invalidUtf8` says its bytes were not valid UTF-8 (the value then holds U+FFFD where they were).
 */
export type JsonRecordResult =
  | { ok: true; value: unknown; index: number; offset: number; invalidUtf8?: true }
  | { ok: false; index: number; offset: number; message: string }

/**
 * The stream itself cannot be read as the document it claims to be (truncated, unbalanced,
 * malformed, nested or sized past the limits, the wrong shape): nothing of it should be kept.
 */
class JsonStreamError extends Error {
  override name = 'JsonStreamError'
}

export interface JsonRecordOptions {
  /**
   * Object keys leading to the array whose elements are the records (`['CVE_Items']`); `[]` when
   * the document itself is an array of records; `null` when each top-level value is a record
   * (a single document, JSON Lines, concatenated objects).
   */
  path: readonly string[] | null
  /** A record above this size ends the read (JsonStreamError) before it is held in memory. */
  maxRecordBytes: number
  /** Arrays and objects open at once, counted from the document root; deeper ends the read. */
  maxDepth: number
}

interface Frame {
  array: boolean
  onPath: boolean
  /** the key of the member being read, when this object is on the path */
  key?: string
  expectKey: boolean
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_OBJ = 0x7b
const CLOSE_OBJ = 0x7d
const OPEN_ARR = 0x5b
const CLOSE_ARR = 0x5d
const COLON = 0x3a
const COMMA = 0x2c

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * A bounded streaming reader: it scans bytes for structure only (strings, brackets), cuts out
 * each record's bytes and hands them to JSON.parse, so memory holds one record at a time and
 * nesting never grows past `maxDepth`. A record that is valid JSON but not an object is refused
 * alone; anything that breaks the document (see JsonStreamError) is thrown. Offsets are byte
 * offsets in the (decompressed) input.
 */
export async function* readJsonRecords(
  source: AsyncIterable<Buffer>,
  opts: JsonRecordOptions,
): AsyncGenerator<JsonRecordResult> {
  for await (const batch of readJsonRecordBatches(source, opts)) yield* batch
}

/** readJsonRecords in batches (the records completed in each input chunk): far fewer awaits. */
export async function* readJsonRecordBatches(
  source: AsyncIterable<Buffer>,
  opts: JsonRecordOptions,
): AsyncGenerator<JsonRecordResult[]> {
  let out: JsonRecordResult[] = []
  const stack: Frame[] = []
  let inString = false
  let escaped = false
  let keyCapture: number[] | null = null
  let base = 0 // byte offset of the current chunk
  let index = 0
  // record state
  let recDepth = -1 // stack length at which the record's container was opened
  let recStart = 0
  let recParts: Buffer[] = []
  let recBytes = 0
  let recChunkStart = -1 // index within the current chunk where the record (continues to) start
  const path = opts.path
  let pathArrayOpened = false
  let rootClosed = false
  const fail = (message: string): never => {
    throw new JsonStreamError(message)
  }
  const pathName = () => (path?.length ? `"${path.join('.')}"` : 'the document')

  const targetArrayOpen = (): boolean => {
    const top = stack[stack.length - 1]
    return !!top && top.array && top.onPath
  }

  for await (const chunk of source) {
    recChunkStart = recDepth >= 0 ? 0 : -1
    const n = chunk.length
    for (let i = 0; i < n; i++) {
      const c = chunk[i] as number
      if (inString && !escaped && !keyCapture) {
        // fast path: jump to the closing quote with native indexOf (strings are most of a record)
        let q = chunk.indexOf(QUOTE, i)
        while (q !== -1) {
          let k = q - 1
          while (k >= i && chunk[k] === BACKSLASH) k--
          if ((q - 1 - k) % 2 === 0) break // an even run of backslashes: the quote is real
          q = chunk.indexOf(QUOTE, q + 1)
        }
        if (q === -1) {
          let k = n - 1
          while (k >= i && chunk[k] === BACKSLASH) k--
          escaped = (n - 1 - k) % 2 === 1
          i = n
          continue
        }
        inString = false
        i = q
        continue
      }
      if (inString) {
        if (escaped) escaped = false
        else if (c === BACKSLASH) escaped = true
        else if (c === QUOTE) {
          inString = false
          if (keyCapture) {
            const top = stack[stack.length - 1] as Frame
            top.key = Buffer.from(keyCapture).toString('utf8')
            keyCapture = null
          }
        } else if (keyCapture && keyCapture.length < 256) keyCapture.push(c)
        continue
      }
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue
      if (rootClosed) fail(`content after the end of the document at byte ${base + i}`)
      const inRecord = recDepth >= 0
      if (!inRecord && (c === OPEN_OBJ || c === OPEN_ARR)) {
        const atRecordSlot = path === null ? stack.length === 0 : targetArrayOpen()
        if (atRecordSlot) {
          recDepth = stack.length
          recStart = base + i
          recParts = []
          recBytes = 0
          recChunkStart = i
        }
      }
      if (c === QUOTE) {
        inString = true
        const top = stack[stack.length - 1]
        if (!inRecord && top && !top.array && top.onPath && top.expectKey) keyCapture = []
        continue
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        const parent = stack[stack.length - 1]
        let onPath = false
        if (path !== null && recDepth < 0) {
          if (!parent) onPath = true
          else if (parent.onPath && !parent.array) {
            const depth = stack.length - 1
            onPath = depth < path.length && parent.key === path[depth]
          }
          if (onPath && stack.length === path.length && c !== OPEN_ARR) onPath = false
        }
        if (path !== null && recDepth < 0 && parent?.onPath && !parent.array) {
          const depth = stack.length - 1
          if (depth === path.length - 1 && parent.key === path[depth] && c !== OPEN_ARR)
            fail(`${pathName()} is an object at byte ${base + i}, not an array of records`)
        }
        if (path !== null && stack.length === 0 && path.length === 0 && c !== OPEN_ARR)
          fail('the document is an object, not an array of records')
        if (stack.length >= opts.maxDepth)
          fail(`nested deeper than ${opts.maxDepth} levels at byte ${base + i}`)
        if (onPath && stack.length === path?.length) pathArrayOpened = true
        if (parent && !parent.array) parent.expectKey = false
        stack.push({ array: c === OPEN_ARR, onPath, expectKey: c === OPEN_OBJ })
        continue
      }
      if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        const top = stack.pop()
        if (!top || top.array !== (c === CLOSE_ARR))
          fail(`unbalanced "${String.fromCharCode(c)}" at byte ${base + i}`)
        if (path !== null && stack.length === 0) rootClosed = true
        if (recDepth >= 0 && stack.length === recDepth) {
          // record complete
          const part = chunk.subarray(recChunkStart, i + 1)
          if (recBytes + part.length > opts.maxRecordBytes) oversize()
          recParts.push(part)
          out.push(finishRecord())
          recDepth = -1
          recChunkStart = -1
        }
        continue
      }
      if (c === COLON) continue
      if (c === COMMA) {
        const top = stack[stack.length - 1]
        if (top && !top.array) {
          top.expectKey = true
          top.key = undefined
        }
        continue
      }
      // scalar characters: a scalar where a record was expected is an error for that slot
      if (!inRecord && (path === null ? stack.length === 0 : targetArrayOpen())) {
        let j = i
        while (j < n && ![COMMA, CLOSE_ARR, 0x0a].includes(chunk[j] as number)) j++
        out.push({
          ok: false,
          index: index++,
          offset: base + i,
          message: `record ${index} at byte ${base + i} is not an object`,
        })
        i = j - 1
      }
    }
    if (recDepth >= 0) {
      const part = chunk.subarray(recChunkStart)
      recBytes += part.length
      if (recBytes > opts.maxRecordBytes) oversize()
      recParts.push(Buffer.from(part))
    }
    base += n
    if (out.length) {
      yield out
      out = []
    }
  }
  if (out.length) yield out
  if (recDepth >= 0)
    fail(`input ends inside record ${index + 1} that starts at byte ${recStart} (truncated file?)`)
  if (stack.length > 0 || inString)
    fail(`input ends at byte ${base} before the document is closed (truncated file?)`)
  if (path !== null && !pathArrayOpened) fail(`the document has no ${pathName()} array of records`)

  function oversize(): never {
    return fail(`record ${index + 1} at byte ${recStart} is larger than ${opts.maxRecordBytes} bytes`)
  }

  function finishRecord(): JsonRecordResult {
    const at = recStart
    const i = index++
    const bytes = Buffer.concat(recParts)
    recParts = []
    let text: string
    let invalidUtf8 = false
    try {
      text = utf8.decode(bytes)
    } catch {
      text = bytes.toString('utf8')
      invalidUtf8 = true
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      return fail(`record ${i + 1} at byte ${at}: ${(err as Error).message}`)
    }
    return invalidUtf8
      ? { ok: true, value, index: i, offset: at, invalidUtf8 }
      : { ok: true, value, index: i, offset: at }
  }
}
