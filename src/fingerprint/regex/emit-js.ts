import type { GroupKind, RegexNode } from './regex-syntax.js'

/**
 * The JavaScript source of a parsed pattern, and where each of the pattern's capture groups ended
 * up: atomic groups and possessive quantifiers do not exist in Node 20 and become `(?=(X))\N` (a
 * lookahead cannot be backtracked into; its capture is then consumed), which adds capture groups.
 */
export function emitJs(tree: RegexNode): { source: string; groupMap: number[] } {
  const e = new Emitter()
  return { source: e.emit(tree), groupMap: e.groupMap }
}

class Emitter {
  /** groupMap[n] = the JS group number of the pattern's capture group n (groupMap[0] = 0). */
  readonly groupMap: number[] = [0]
  /** JS groups opened so far. */
  private js = 0

  emit(node: RegexNode): string {
    switch (node.type) {
      case 'sequence':
        return node.items.map((n) => this.emit(n)).join('')
      case 'alternation':
        return node.branches.map((n) => this.emit(n)).join('|')
      case 'char':
      case 'assertion':
        return node.js
      case 'inert':
        return ''
      case 'backref': {
        // a forward reference keeps its number, shifted by the extra groups emitted so far
        const target = this.groupMap[node.group] ?? node.group + (this.js - (this.groupMap.length - 1))
        return `(?:\\${target})`
      }
      case 'named-backref':
        return `\\k<${node.name}>`
      case 'group':
        return this.group(node.kind, node.name, node.body)
      case 'repeat': {
        const mode = node.mode === 'lazy' ? '?' : ''
        if (node.mode !== 'possessive') return `${this.emit(node.body)}${node.quantifier}${mode}`
        // possessive: match greedily once, never give back; the wrapping group opens before the
        // atom's own groups
        const n = ++this.js
        return `(?=(${this.emit(node.body)}${node.quantifier}))(?:\\${n})`
      }
    }
  }

  private group(kind: GroupKind, name: string | undefined, body: RegexNode): string {
    switch (kind) {
      case 'capture':
      case 'named': {
        this.groupMap.push(++this.js)
        return `${kind === 'named' ? `(?<${name}>` : '('}${this.emit(body)})`
      }
      case 'atomic': {
        const n = ++this.js
        return `(?=(${this.emit(body)}))(?:\\${n})`
      }
      default:
        return `${OPENERS[kind]}${this.emit(body)})`
    }
  }
}

const OPENERS: Partial<Record<GroupKind, string>> = {
  plain: '(?:',
  lookahead: '(?=',
  'negative-lookahead': '(?!',
  lookbehind: '(?<=',
  'negative-lookbehind': '(?<!',
}
