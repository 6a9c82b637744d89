import type { EngineInfo } from './wire.js'

export interface SnmpResult {
  /** The agent answered SNMPv3 discovery or a community request. */
  answers: boolean
  /** SNMPv3 engine discovery (needs no credential). */
  engine?: EngineInfo
  /** Whether community requests were allowed by the scope (a community string is a credential). */
  community_tried: boolean
  /** The SNMP version (`v2c`, `v1`) that answered community `public`. */
  community_version?: 'v1' | 'v2c'
  /** `public` was accepted: the MIB is readable without a secret. */
  public_community?: boolean
  sysdescr?: string
  sysobjectid?: string
}
