/**
 * Named port lists. `iot` gathers the ports DOMAIN.md §4.3 flags and the ports Mirai and its
 * descendants spread on (§1.2, §1.6); UDP services are a separate preset because they are grabbed
 * without discovery (every address is asked).
 */
export const PORT_PRESETS: Readonly<Record<string, string>> = {
  // telnet: Mirai 23/2323, Satori 2223, camera telnet 9527, Xiongmai 9530
  // ssh 22, ftp 21; web UIs 80, 81, 443, 8080, 8443; RTSP 554; MQTT 1883/8883
  // ADB/TR-064 5555, CWMP 7547, Xiongmai DVRIP 34567, Huawei UPnP 37215, Realtek UPnP 52869
  // Modbus 502 (industrial gateways), Dahua 37777, RTSP over TLS 322, alternate web UI 8000
  iot: '21,22,23,80,81,322,443,502,554,1883,2223,2323,5555,7547,8000,8080,8443,8883,9527,9530,34567,37215,37777,52869',
  mirai: '23,2323',
  // SSDP 1900, SNMP 161 (community tried only with the credential audit), CoAP 5683
  'iot-udp': 'U:161,U:1900,U:5683',
}
