import { ANY, type Group, type RegexNode } from './regex-syntax.js'

/**
 * Why the pattern may backtrack catastrophically, or undefined: a quantifier that repeats (5 times
 * or more) a group that itself holds an unbounded quantifier, unless each repetition is pinned by a
 * character that no inner unbounded atom can eat. Judged on the one-character atoms as emitted.
 */
export function nestedQuantifier(tree: RegexNode): string | undefined {
  const check = { found: undefined as string | undefined }
  shapeOf(tree, check)
  return check.found
}

/** What the check needs to know about a sequence: its one-character atoms. */
interface Shape {
  /** Every one-character atom inside (recursively). */
  all: string[]
  /** One-character atoms under an unbounded quantifier inside (recursively). */
  unbounded: string[]
  /** One-character atoms every match of this sequence must consume; undefined when it has a `|`. */
  mandatory: string[] | undefined
}

// past these bounds a repetition backtracks like an unbounded one
const UNBOUNDED = 16
const REPEATS = 5

/** The shape of a node, checking every quantifier inside it on the way (the first finding is kept). */
function shapeOf(node: RegexNode, check: { found: string | undefined }): Shape {
  const shape: Shape = { all: [], unbounded: [], mandatory: [] }
  if (node.type === 'alternation') {
    for (const b of node.branches) {
      const s = shapeOf(b, check)
      shape.all.push(...s.all)
      shape.unbounded.push(...s.unbounded)
    }
    shape.mandatory = undefined
    return shape
  }
  for (const item of node.type === 'sequence' ? node.items : [node]) add(shape, item, check)
  return shape
}

/**
 * Adds one item of a sequence to its shape. Returns how many mandatory atoms it lent, and for a
 * group the shape of its body (a quantifier on the group repeats that).
 */
function add(
  shape: Shape,
  item: RegexNode,
  check: { found: string | undefined },
): { lent: number; inner?: Shape } {
  switch (item.type) {
    case 'char':
    case 'backref':
    case 'named-backref': {
      // a backreference may stand for anything
      const atom = item.type === 'char' ? item.js : ANY
      shape.all.push(atom)
      shape.mandatory?.push(atom)
      return { lent: 1 }
    }
    case 'group': {
      const inner = shapeOf(item.body, check)
      if (!consumes(item)) return { lent: 0, inner }
      shape.all.push(...inner.all)
      shape.unbounded.push(...inner.unbounded)
      const lent = inner.mandatory ?? []
      shape.mandatory?.push(...lent)
      return { lent: lent.length, inner }
    }
    case 'repeat': {
      const { lent, inner } = add(shape, item.body, check)
      if (item.min === 0 && shape.mandatory) shape.mandatory.length -= Math.min(lent, shape.mandatory.length)
      if (item.max >= REPEATS && inner && inner.unbounded.length > 0 && !check.found && !separated(inner))
        check.found = `nested unbounded quantifier ending at offset ${item.end}`
      if (item.max >= UNBOUNDED)
        shape.unbounded.push(...(inner ? inner.all : [item.body.type === 'char' ? item.body.js : ANY]))
      return { lent: 0 }
    }
    default:
      return { lent: 0 }
  }
}

/** Lookarounds consume nothing, and atomic groups are emitted as lookaheads. */
function consumes(g: Group): boolean {
  return g.kind === 'capture' || g.kind === 'named' || g.kind === 'plain'
}

/**
 * Whether each repetition of a group is pinned by a character no inner unbounded atom can eat
 * (`(?:\d+\.)*`, `(?:[^\r\n]+\r\n)*`): then iterations cannot be split two ways, and
 * backtracking stays polynomial.
 */
function separated(shape: Shape): boolean {
  if (!shape.mandatory || shape.unbounded.includes(ANY)) return false
  const eaten = new Uint8Array(256)
  for (const atom of shape.unbounded) for (const c of charsOf(atom)) eaten[c] = 1
  return shape.mandatory.some((atom) => atom !== ANY && charsOf(atom).every((c) => !eaten[c]))
}

const charSets = new Map<string, number[]>()

/** The Latin-1 characters a one-character atom matches (cached: few distinct atoms exist). */
function charsOf(atom: string): number[] {
  let set = charSets.get(atom)
  if (!set) {
    set = []
    let re: RegExp | undefined
    try {
      re = new RegExp(`^(?:${atom})$`, 'i')
    } catch {
      re = undefined
    }
    for (let c = 0; c < 256; c++) if (!re || re.test(String.fromCharCode(c))) set.push(c)
    charSets.set(atom, set)
  }
  return set
}
