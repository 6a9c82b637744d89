import type { Command } from 'commander'
import { registerScanCommand } from './scan.js'

/** Each command file exports one function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void

/** The explicit list of commands, in the order `mamori --help` shows them. */
export const commands: RegisterCommand[] = [registerScanCommand]
