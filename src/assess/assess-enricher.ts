import type { ScanRecord } from '../core/record.js'
import type { Enricher } from '../core/sink.js'
import type { AssessRule } from './assess-rule.js'
import { adbExposed } from './rules/adb-exposed.js'
import { adminUiExposed } from './rules/admin-ui-exposed.js'
import { anonymousFtp } from './rules/anonymous-ftp.js'
import { openMqttBroker } from './rules/open-mqtt-broker.js'
import { SharedCertificateRule } from './rules/shared-certificate.js'
import { snmpPublic } from './rules/snmp-public.js'
import { telnetExposed } from './rules/telnet-exposed.js'
import { tr069Exposed } from './rules/tr069-exposed.js'
import { unauthenticatedRtsp } from './rules/unauthenticated-rtsp.js'
import { upnpExposed } from './rules/upnp-exposed.js'

/** The exposure rules, one per finding type (a fresh stateful certificate rule per enricher). */
function assessRules(): AssessRule[] {
  return [
    telnetExposed,
    unauthenticatedRtsp,
    openMqttBroker,
    upnpExposed,
    tr069Exposed,
    adbExposed,
    adminUiExposed,
    anonymousFtp,
    snmpPublic,
    new SharedCertificateRule(),
  ]
}

/**
 * The `assess` stage: adds one finding per rule that applies to the record, replacing an older
 * finding of the same type (findings of other stages, such as default-credentials, are kept).
 */
export function createAssessEnricher(rules: AssessRule[] = assessRules()): Enricher {
  return {
    name: 'assess',
    enrich(record: ScanRecord) {
      for (const rule of rules) {
        const finding = rule.assess(record)
        if (!finding) continue
        record.findings = [...(record.findings ?? []).filter((f) => f.type !== finding.type), finding]
      }
    },
  }
}
