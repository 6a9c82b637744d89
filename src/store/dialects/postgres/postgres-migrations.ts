/** PostgreSQL schema versions (see Dialect.migrations). */
export const postgresMigrations: readonly string[] = [
  `
CREATE TABLE scans (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  parameters TEXT
);
CREATE TABLE hosts (
  ip TEXT PRIMARY KEY,
  ip_num BIGINT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  country TEXT,
  asn BIGINT,
  org TEXT
);
CREATE INDEX hosts_ip_num ON hosts (ip_num);
CREATE TABLE services (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ip TEXT NOT NULL,
  ip_num BIGINT NOT NULL,
  port INTEGER NOT NULL,
  transport TEXT NOT NULL,
  protocol TEXT NOT NULL,
  status TEXT NOT NULL,
  vendor TEXT,
  product TEXT,
  version TEXT,
  device_type TEXT,
  os TEXT,
  cpe TEXT,
  audit_result TEXT,
  http_title TEXT,
  http_server TEXT,
  http_status INTEGER,
  ssh_version TEXT,
  telnet_prompt TEXT,
  content_hash TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  last_scan_id TEXT NOT NULL,
  has_vuln INTEGER NOT NULL DEFAULT 0,
  country TEXT,
  asn BIGINT,
  org TEXT,
  UNIQUE (ip, port, transport)
);
CREATE INDEX services_port ON services (port);
CREATE INDEX services_ip_num ON services (ip_num);
CREATE INDEX services_product ON services (lower(product));
CREATE INDEX services_vendor ON services (lower(vendor));
CREATE INDEX services_device ON services (lower(device_type));
CREATE INDEX services_os ON services (lower(os));
CREATE INDEX services_last_seen ON services (last_seen);
CREATE INDEX services_country ON services (lower(country));
CREATE INDEX services_asn ON services (asn);
CREATE TABLE service_details (
  service_id BIGINT PRIMARY KEY REFERENCES services (id),
  banner TEXT NOT NULL,
  error TEXT,
  data TEXT NOT NULL,
  fingerprint TEXT,
  audit TEXT,
  search_text TEXT NOT NULL,
  search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED
);
CREATE INDEX service_details_search ON service_details USING gin (search);
CREATE TABLE observations (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id BIGINT NOT NULL REFERENCES services (id),
  scan_id TEXT NOT NULL,
  ts TEXT NOT NULL,
  protocol TEXT NOT NULL,
  status TEXT NOT NULL,
  banner TEXT NOT NULL,
  error TEXT,
  data TEXT NOT NULL,
  fingerprint TEXT,
  audit TEXT,
  vendor TEXT,
  product TEXT,
  version TEXT,
  device_type TEXT,
  os TEXT,
  UNIQUE (scan_id, service_id)
);
CREATE INDEX observations_service ON observations (service_id);
CREATE TABLE vulns (
  service_id BIGINT NOT NULL REFERENCES services (id),
  vuln_id TEXT NOT NULL,
  cvss DOUBLE PRECISION,
  kev INTEGER NOT NULL DEFAULT 0,
  status TEXT,
  PRIMARY KEY (service_id, vuln_id)
);
CREATE INDEX vulns_id ON vulns (vuln_id);
CREATE TABLE findings (
  service_id BIGINT NOT NULL REFERENCES services (id),
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT,
  detail TEXT,
  PRIMARY KEY (service_id, type)
);
CREATE INDEX findings_type ON findings (type);
CREATE INDEX findings_severity ON findings (severity);
`,
]
