/** SQLite schema versions (see Dialect.migrations). */
export const sqliteMigrations: readonly string[] = [
  `
CREATE TABLE scans (
  id TEXT PRIMARY KEY,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  parameters TEXT
);
CREATE TABLE hosts (
  ip TEXT PRIMARY KEY,
  ip_num INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  country TEXT,
  asn INTEGER,
  org TEXT
);
CREATE INDEX hosts_ip_num ON hosts (ip_num);
CREATE TABLE services (
  id INTEGER PRIMARY KEY,
  ip TEXT NOT NULL,
  ip_num INTEGER NOT NULL,
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
  asn INTEGER,
  org TEXT,
  UNIQUE (ip, port, transport)
);
-- low-cardinality or usually-combined fields (protocol, version, http_status) have no index of their own:
-- every index costs each new service a B-tree insert
CREATE INDEX services_port ON services (port);
CREATE INDEX services_ip_num ON services (ip_num);
CREATE INDEX services_product ON services (product COLLATE NOCASE);
CREATE INDEX services_vendor ON services (vendor COLLATE NOCASE);
CREATE INDEX services_device ON services (device_type COLLATE NOCASE);
CREATE INDEX services_os ON services (os COLLATE NOCASE);
CREATE INDEX services_last_seen ON services (last_seen);
CREATE INDEX services_country ON services (country COLLATE NOCASE);
CREATE INDEX services_asn ON services (asn);
CREATE TABLE service_details (
  service_id INTEGER PRIMARY KEY REFERENCES services (id),
  banner TEXT NOT NULL,
  error TEXT,
  data TEXT NOT NULL,
  fingerprint TEXT,
  audit TEXT,
  search_text TEXT NOT NULL
);
CREATE TABLE observations (
  id INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL REFERENCES services (id),
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
CREATE TABLE vulns (
  service_id INTEGER NOT NULL REFERENCES services (id),
  vuln_id TEXT NOT NULL,
  cvss REAL,
  kev INTEGER NOT NULL DEFAULT 0,
  status TEXT,
  PRIMARY KEY (service_id, vuln_id)
);
CREATE INDEX vulns_id ON vulns (vuln_id);
CREATE TABLE findings (
  service_id INTEGER NOT NULL REFERENCES services (id),
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT,
  detail TEXT,
  PRIMARY KEY (service_id, type)
);
CREATE INDEX findings_type ON findings (type);
CREATE INDEX findings_severity ON findings (severity);
-- contentless: the words are indexed, the text itself lives in service_details.search_text
CREATE VIRTUAL TABLE services_fts USING fts5 (
  text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER services_fts_insert AFTER INSERT ON service_details BEGIN
  INSERT INTO services_fts (rowid, text) VALUES (new.service_id, new.search_text);
END;
CREATE TRIGGER services_fts_update AFTER UPDATE OF search_text ON service_details
WHEN old.search_text IS NOT new.search_text BEGIN
  DELETE FROM services_fts WHERE rowid = old.service_id;
  INSERT INTO services_fts (rowid, text) VALUES (new.service_id, new.search_text);
END;
`,
]
