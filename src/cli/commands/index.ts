import type { Command } from 'commander'
import { registerDarknetCommand } from './darknet.js'
import { registerDemoCommand } from './demo.js'
import { registerDiffCommand } from './diff.js'
import { registerFingerprintCommand } from './fingerprint.js'
import { registerHoneypotCommand } from './honeypot.js'
import { registerHostCommand } from './host.js'
import { registerImportCommand } from './import.js'
import { registerLabCommand } from './lab.js'
import { registerScanCommand } from './scan.js'
import { registerScansCommand } from './scans.js'
import { registerSearchCommand } from './search.js'
import { registerStatsCommand } from './stats.js'
import { registerVulnCommand } from './vuln.js'

/** Each command file exports one function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void

/** The explicit list of commands, in the order `mamori --help` shows them. */
export const commands: RegisterCommand[] = [
  registerDemoCommand,
  registerScanCommand,
  registerSearchCommand,
  registerHostCommand,
  registerStatsCommand,
  registerScansCommand,
  registerDiffCommand,
  registerImportCommand,
  registerLabCommand,
  registerVulnCommand,
  registerFingerprintCommand,
  registerHoneypotCommand,
  registerDarknetCommand,
]
