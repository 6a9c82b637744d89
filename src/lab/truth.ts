import type { Transport } from '../core/target.js'

/**
 * The lab's ground truth: what every simulated device is and how to get in. Scanner, fingerprint and
 * audit accuracy are measured against it. `mamori lab --truth FILE` writes it as JSON.
 */
export interface LabTruth {
  seed: number
  /** The block the devices were placed in, normalised (`127.16.0.0/16`). */
  net: string
  devices: LabDevice[]
}

export interface LabDevice {
  /** Stable within one seed: `dev-0001`, ... (`hostile-...` for hostile peers). */
  id: string
  ip: string
  /** The device family (`xiongmai-dvr`, `mikrotik-routeros`, ... or `hostile-*`). */
  family: string
  vendor: string
  product: string
  /** Firmware version. */
  version: string
  /** camera | dvr | nvr | router | nas | printer | gateway | hostile */
  device_type: string
  os?: string
  services: LabService[]
}

export interface LabService {
  port: number
  transport: Transport
  /** telnet | ssh | http */
  protocol: string
  /** What this service's banner identifies, if anything (`Dropbear` `2014.63`, `uc-httpd` `1.0.0`). */
  product?: string
  version?: string
  /** `none` on telnet: a shell at connect, no login at all. */
  auth?: 'none' | 'telnet-login' | 'telnet-password' | 'password' | 'basic' | 'digest'
  /** The one credential that works; `default` says it is the vendor's factory default. */
  credential?: { username: string; password: string; default: boolean }
  /** Telnet: the credential's password is empty and none is asked: the shell follows the user name. */
  no_password_prompt?: true
  /** Any credentials log in (a honeypot or a broken login): there is no default to find. */
  accepts_any?: true
  /** Telnet: every connection is dropped before a password prompt: no answer says anything. */
  drops?: true
}
