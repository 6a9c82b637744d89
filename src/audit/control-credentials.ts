import { randomInt } from 'node:crypto'
import type { Credential } from '../core/credential.js'

const LOWER = 'abcdefghijklmnopqrstuvwxyz'
const DIGITS = '0123456789'
const MIXED = `${LOWER}ABCDEFGHIJKLMNOPQRSTUVWXYZ${DIGITS}-_.!`

/** The shapes of the wrong credentials that must be refused before a login counts. */
const SHAPES = [
  { name: 'short lower-case', alphabet: LOWER, length: [4, 5] },
  { name: 'digits', alphabet: DIGITS, length: [6, 8] },
  { name: 'long mixed', alphabet: MIXED, length: [18, 24] },
] as const

export interface ControlCredential extends Credential {
  /** What kind of wrong secret it is (its value is never recorded). */
  shape: string
}

function randomString(alphabet: string, [min, max]: readonly [number, number]): string {
  const length = randomInt(min, max + 1)
  let out = ''
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)]
  return out
}

/**
 * Wrong credentials sent the same way as a hit, to prove that the device refuses what it was never
 * given: passwords of different lengths and alphabets (a login that accepts any short password, or
 * anything at all, lets one of them in). For a hit that needed no password, the user name is the
 * credential, so the controls are unknown user names. Fresh random values each time (a fixed
 * control could be allowed on purpose), never one of the dictionary's own passwords.
 */
export function controlCredentials(
  hit: Credential,
  withoutPassword: boolean,
  known: ReadonlySet<string>,
): ControlCredential[] {
  return SHAPES.map((shape, i) => {
    let password: string
    do password = randomString(shape.alphabet, shape.length)
    while (known.has(password) || password === hit.password)
    const username = withoutPassword ? randomString(LOWER, [8, 10]) : hit.username
    return {
      id: `${hit.id}-control-${i + 1}`,
      username,
      password,
      source: 'mamori control',
      shape: withoutPassword ? `unknown user, ${shape.name} password` : `${shape.name} password`,
    }
  })
}
