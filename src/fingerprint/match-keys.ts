/**
 * mamori's observation keys (what protocol modules emit) and the Recog databases that read the
 * same text. Recog names its databases by what they match (`http_header.server`); modules name
 * observations by protocol (`http.server`). Unknown Recog keys keep their own name.
 */
const RECOG_TO_OBSERVATION: Record<string, string> = {
  telnet_banners: 'telnet.banner',
  'ssh.banner': 'ssh.banner',
  'ftp.banner': 'ftp.banner',
  'smtp.banner': 'smtp.banner',
  'http_header.server': 'http.server',
  'http_header.wwwauth': 'http.wwwauth',
  'http_header.cookie': 'http.cookie',
  html_title: 'http.title',
  'rtsp_header.server': 'rtsp.server',
  'snmp.sys_description': 'snmp.sysdescr',
  'snmp.sys_object_id': 'snmp.sysobjectid',
  'x509.subject': 'x509.subject',
  'x509.issuer': 'x509.issuer',
  'sip_header.server': 'sip.server',
  'sip_header.user_agent': 'sip.useragent',
  'ntp.readvar': 'ntp.readvar',
  'dns.versionbind': 'dns.versionbind',
  'mdns.device-info.txt': 'mdns.deviceinfo',
  'favicon.md5': 'http.favicon.md5',
}

export function matchKeyForRecog(recogKey: string): string {
  return RECOG_TO_OBSERVATION[recogKey] ?? recogKey
}

/**
 * The text a Recog rule sees for an observation. Recog's ssh_banners match the software part of
 * the identification (after `SSH-2.0-`), while the ssh module observes the whole line.
 */
export function recogText(key: string, value: string): string {
  if (key === 'ssh.banner') return value.replace(/^SSH-\d+\.\d+-/, '')
  return value
}

/**
 * Longest value a rule reads per key: banners are attacker-controlled, and bounding them bounds
 * the work of every regex (a second line of defence behind the load-time backtracking check).
 */
export function maxInputLength(key: string): number {
  if (key.startsWith('nmap.')) return 16384
  if (key.endsWith('.banner')) return 4096
  return 1024
}
