import { z } from 'zod'

/**
 * Lab service kinds beyond telnet/ssh/http (schema of their entries in `data/lab/families.yaml`),
 * one per protocol module: what the device sends is data, the dialogue is in the matching file here.
 */
const credential = z.strictObject({ username: z.string(), password: z.string() })
const identifies = z.strictObject({ product: z.string(), version: z.string().optional() })
const port = z.number().int().min(1).max(65535)

export const rtspService = z.strictObject({
  protocol: z.literal('rtsp'),
  port,
  server: z.string(),
  auth: z.enum(['none', 'basic', 'digest']).default('digest'),
  realm: z.string().default('IP Camera'),
  /** The path that serves the stream description (others answer 404). */
  stream_path: z.string().startsWith('/').default('/'),
  session_name: z.string().default('Media Presentation'),
  identifies: identifies.optional(),
  defaults: z.array(credential).optional(),
})

export const mqttService = z.strictObject({
  protocol: z.literal('mqtt'),
  port,
  /** `none` = anonymous clients accepted (an open broker). */
  auth: z.enum(['none', 'password']).default('password'),
  /** Published retained on `$SYS/broker/version`. */
  version: z.string().optional(),
  identifies: identifies.optional(),
  defaults: z.array(credential).optional(),
})

export const ftpService = z.strictObject({
  protocol: z.literal('ftp'),
  port,
  /** Greeting text after `220 `. */
  banner: z.string(),
  syst: z.string().optional(),
  features: z.array(z.string()).default([]),
  anonymous: z.boolean().default(false),
  auth: z.enum(['password']).default('password'),
  identifies: identifies.optional(),
  defaults: z.array(credential).optional(),
})

export const adbService = z.strictObject({
  protocol: z.literal('adb'),
  port,
  /** `none`: CNXN answered at once (open ADB); `password` stands for RSA key auth (AUTH token). */
  auth: z.enum(['none', 'password']).default('none'),
  banner: z.string(),
  identifies: identifies.optional(),
  /** The lab plan reads it for every service; these protocols take no credential. */
  defaults: z.array(credential).max(0).optional(),
})

export const dvripService = z.strictObject({
  protocol: z.literal('dvrip'),
  port,
  auth: z.enum(['none']).default('none'),
  /** Ret code of the refused session-less SystemInfo. */
  ret: z.number().int().default(103),
  identifies: identifies.optional(),
  /** The lab plan reads it for every service; these protocols take no credential. */
  defaults: z.array(credential).max(0).optional(),
})

export const modbusService = z.strictObject({
  protocol: z.literal('modbus'),
  port,
  auth: z.enum(['none']).default('none'),
  vendor: z.string(),
  product_code: z.string(),
  revision: z.string(),
  identifies: identifies.optional(),
  /** The lab plan reads it for every service; these protocols take no credential. */
  defaults: z.array(credential).max(0).optional(),
})

/** SNMP agent: answers SNMPv3 discovery, and v1/v2c GETs carrying its community. */
export const snmpService = z.strictObject({
  protocol: z.literal('snmp'),
  port,
  auth: z.enum(['none']).default('none'),
  community: z.string().default('public'),
  sysdescr: z.string(),
  sysobjectid: z.string().regex(/^\d+(?:\.\d+)+$/),
  /** IANA enterprise number in the SNMPv3 engine ID (8072 = Net-SNMP). */
  enterprise: z.number().int().min(0).default(8072),
  identifies: identifies.optional(),
  defaults: z.array(credential).max(0).optional(),
})

/** CoAP server: `/.well-known/core` lists `resources` (RFC 6690 link format). */
export const coapService = z.strictObject({
  protocol: z.literal('coap'),
  port,
  auth: z.enum(['none']).default('none'),
  resources: z.string(),
  identifies: identifies.optional(),
  defaults: z.array(credential).max(0).optional(),
})

/** SSDP responder: answers a unicast M-SEARCH with one reply per search target. */
export const upnpService = z.strictObject({
  protocol: z.literal('upnp'),
  port,
  auth: z.enum(['none']).default('none'),
  server: z.string(),
  targets: z.array(z.string()).min(1),
  /** LOCATION (may use {ip}). */
  location: z.string(),
  identifies: identifies.optional(),
  defaults: z.array(credential).max(0).optional(),
})

/** A web interface behind TLS with a vendor-default certificate (a PEM in `data/lab/certs/`). */
export const tlsService = z.strictObject({
  protocol: z.literal('tls'),
  port,
  auth: z.enum(['none']).default('none'),
  /** File name in data/lab/certs/ holding the certificate and its key. */
  certificate: z.string().regex(/^[\w.-]+\.pem$/),
  server: z.string().optional(),
  title: z.string().optional(),
  identifies: identifies.optional(),
  defaults: z.array(credential).max(0).optional(),
})

/** ONVIF device service: GetSystemDateAndTime for anyone, GetDeviceInformation only with WS-Security. */
export const onvifService = z.strictObject({
  protocol: z.literal('onvif'),
  port,
  auth: z.enum(['none']).default('none'),
  identifies: identifies.optional(),
  defaults: z.array(credential).max(0).optional(),
})

/** Dahua's private port: session-less DHIP calls are refused with an error object. */
export const dahuaService = z.strictObject({
  protocol: z.literal('dahua'),
  port,
  auth: z.enum(['none']).default('none'),
  identifies: identifies.optional(),
  defaults: z.array(credential).max(0).optional(),
})

type OnvifServiceSpec = z.infer<typeof onvifService>
type DahuaServiceSpec = z.infer<typeof dahuaService>
export type TlsServiceSpec = z.infer<typeof tlsService>
export type SnmpServiceSpec = z.infer<typeof snmpService>
export type CoapServiceSpec = z.infer<typeof coapService>
export type UpnpServiceSpec = z.infer<typeof upnpService>
export type UdpServiceSpec = SnmpServiceSpec | CoapServiceSpec | UpnpServiceSpec

export type RtspServiceSpec = z.infer<typeof rtspService>
export type MqttServiceSpec = z.infer<typeof mqttService>
export type FtpServiceSpec = z.infer<typeof ftpService>
export type AdbServiceSpec = z.infer<typeof adbService>
export type DvripServiceSpec = z.infer<typeof dvripService>
export type ModbusServiceSpec = z.infer<typeof modbusService>
export type ProtocolServiceSpec =
  | RtspServiceSpec
  | MqttServiceSpec
  | FtpServiceSpec
  | AdbServiceSpec
  | DvripServiceSpec
  | ModbusServiceSpec
  | TlsServiceSpec
  | OnvifServiceSpec
  | DahuaServiceSpec
