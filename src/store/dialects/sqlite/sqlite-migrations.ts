import { sqliteFindingsMigration } from './sqlite-findings-migration.js'
import { sqliteSensorMigration } from './sqlite-sensor-migration.js'

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
`, // v2: contents shared by hash, a narrow seen-window row per service, slim observations. A re-scan of
  // an unchanged service then updates one ~100-byte row and adds a ~50-byte observation, not a full copy.
  `
CREATE TABLE contents (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
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
  os TEXT
);
-- contentless: the words are indexed by content id, the text itself is the banner and title
CREATE VIRTUAL TABLE contents_fts USING fts5 (
  text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 0'
);
-- the current state of every service; v1 hashed contents differently, so a service's first record
-- after the upgrade is stored once more under the new hash (its history shows no change)
INSERT OR IGNORE INTO contents (hash, protocol, status, banner, error, data, fingerprint, audit, vendor, product,
    version, device_type, os)
  SELECT s.content_hash, s.protocol, s.status, d.banner, d.error, d.data, d.fingerprint, d.audit, s.vendor,
    s.product, s.version, s.device_type, s.os
  FROM services s JOIN service_details d ON d.service_id = s.id;
ALTER TABLE services ADD COLUMN content_id INTEGER REFERENCES contents (id);
UPDATE services SET content_id = (SELECT c.id FROM contents c WHERE c.hash = services.content_hash);
INSERT INTO contents_fts (rowid, text)
  SELECT s.content_id, min(d.search_text) FROM services s JOIN service_details d ON d.service_id = s.id
  GROUP BY s.content_id;
-- the row a re-scan of an unchanged service reads and updates: narrow, found by one integer key
CREATE TABLE service_seen (
  key INTEGER PRIMARY KEY,
  service_id INTEGER NOT NULL REFERENCES services (id),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  last_scan_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  content_id INTEGER NOT NULL REFERENCES contents (id)
);
-- serviceKey() of record-row.ts: address, port and transport as one integer
ALTER TABLE services ADD COLUMN service_key INTEGER;
UPDATE services SET service_key = ip_num * 131072 + port * 2 + (transport = 'udp');
INSERT INTO service_seen (key, service_id, first_seen, last_seen, last_scan_id, content_hash, content_id)
  SELECT service_key, id, first_seen, last_seen, last_scan_id, content_hash, content_id FROM services;
-- history written before v2: one content per observation, under a hash no new record can have
INSERT INTO contents (hash, protocol, status, banner, error, data, fingerprint, audit, vendor, product, version,
    device_type, os)
  SELECT 'v1:' || o.id, o.protocol, o.status, o.banner, o.error, o.data, o.fingerprint, o.audit, o.vendor, o.product,
    o.version, o.device_type, o.os
  FROM observations o;
-- one B-tree: the (scan, service) key is the row; history reads it from the scans side
CREATE TABLE observations_v2 (
  scan_id TEXT NOT NULL,
  service_id INTEGER NOT NULL REFERENCES services (id),
  ts TEXT NOT NULL,
  content_id INTEGER NOT NULL REFERENCES contents (id),
  PRIMARY KEY (scan_id, service_id)
) WITHOUT ROWID;
INSERT INTO observations_v2 (scan_id, service_id, ts, content_id)
  SELECT o.scan_id, o.service_id, o.ts, c.id FROM observations o JOIN contents c ON c.hash = 'v1:' || o.id;
DROP TABLE observations;
ALTER TABLE observations_v2 RENAME TO observations;
DROP TRIGGER services_fts_insert;
DROP TRIGGER services_fts_update;
DROP TABLE services_fts;
DROP TABLE service_details;
DROP INDEX services_last_seen;
ALTER TABLE services DROP COLUMN first_seen;
ALTER TABLE services DROP COLUMN last_seen;
ALTER TABLE services DROP COLUMN last_scan_id;
ALTER TABLE services DROP COLUMN content_hash;
-- a host's seen-window is its services': written once per service, not once per record
ALTER TABLE hosts DROP COLUMN first_seen;
ALTER TABLE hosts DROP COLUMN last_seen;
-- fields many services lack: partial indexes, so a new service without them costs no index entry
DROP INDEX services_product;
DROP INDEX services_vendor;
DROP INDEX services_device;
DROP INDEX services_os;
DROP INDEX services_country;
DROP INDEX services_asn;
CREATE INDEX services_product ON services (product COLLATE NOCASE) WHERE product IS NOT NULL;
CREATE INDEX services_vendor ON services (vendor COLLATE NOCASE) WHERE vendor IS NOT NULL;
CREATE INDEX services_device ON services (device_type COLLATE NOCASE) WHERE device_type IS NOT NULL;
CREATE INDEX services_os ON services (os COLLATE NOCASE) WHERE os IS NOT NULL;
CREATE INDEX services_country ON services (country COLLATE NOCASE) WHERE country IS NOT NULL;
CREATE INDEX services_asn ON services (asn) WHERE asn IS NOT NULL;
`,
  // v3: a service's id is its key (address, port, transport as one integer), scans are numbered and
  // times are integer milliseconds: an observation is ~20 bytes and a seen-window row ~60. Tables are
  // rebuilt children first, so no foreign key is ever left dangling.
  `
CREATE TABLE scans_v3 (
  num INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  parameters TEXT
);
INSERT INTO scans_v3 (id, started_at, finished_at, parameters)
  SELECT id, started_at, finished_at, parameters FROM scans ORDER BY started_at, id;
-- keyed by address and port, a service needs no numeric address column or index, nor a
-- (ip, port, transport) constraint: an address or network is a range of ids
CREATE TABLE services_v3 (
  id INTEGER PRIMARY KEY,
  ip TEXT NOT NULL,
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
  has_vuln INTEGER NOT NULL DEFAULT 0,
  country TEXT,
  asn INTEGER,
  org TEXT,
  content_id INTEGER REFERENCES contents (id)
);
INSERT INTO services_v3 (id, ip, port, transport, protocol, status, vendor, product, version, device_type, os, cpe,
    audit_result, http_title, http_server, http_status, ssh_version, telnet_prompt, has_vuln, country, asn, org,
    content_id)
  SELECT service_key, ip, port, transport, protocol, status, vendor, product, version, device_type, os, cpe,
    audit_result, http_title, http_server, http_status, ssh_version, telnet_prompt, has_vuln, country, asn, org,
    content_id FROM services;
CREATE TABLE vulns_v3 (
  service_id INTEGER NOT NULL REFERENCES services_v3 (id),
  vuln_id TEXT NOT NULL,
  cvss REAL,
  kev INTEGER NOT NULL DEFAULT 0,
  status TEXT,
  PRIMARY KEY (service_id, vuln_id)
);
INSERT INTO vulns_v3 (service_id, vuln_id, cvss, kev, status)
  SELECT s.service_key, v.vuln_id, v.cvss, v.kev, v.status FROM vulns v JOIN services s ON s.id = v.service_id;
CREATE TABLE findings_v3 (
  service_id INTEGER NOT NULL REFERENCES services_v3 (id),
  type TEXT NOT NULL,
  severity TEXT NOT NULL,
  title TEXT,
  detail TEXT,
  PRIMARY KEY (service_id, type)
);
INSERT INTO findings_v3 (service_id, type, severity, title, detail)
  SELECT s.service_key, f.type, f.severity, f.title, f.detail FROM findings f JOIN services s ON s.id = f.service_id;
-- the table every re-scan appends to has no foreign keys: their three lookups per row cost 13 % of
-- a re-scan, and only the store's writer adds rows, with ids it has just read from service_seen
CREATE TABLE observations_v3 (
  scan INTEGER NOT NULL,
  service_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  content_id INTEGER NOT NULL,
  PRIMARY KEY (scan, service_id)
) WITHOUT ROWID;
INSERT INTO observations_v3 (scan, service_id, ts, content_id)
  SELECT sc.num, s.service_key, CAST(round(unixepoch(o.ts, 'subsec') * 1000) AS INTEGER), o.content_id
  FROM observations o JOIN scans_v3 sc ON sc.id = o.scan_id JOIN services s ON s.id = o.service_id;
CREATE TABLE service_seen_v3 (
  service_id INTEGER PRIMARY KEY REFERENCES services_v3 (id),
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  -- no foreign key: every re-scan sets it, and the check would be a lookup per row
  last_scan INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  content_id INTEGER NOT NULL REFERENCES contents (id)
);
INSERT INTO service_seen_v3 (service_id, first_seen, last_seen, last_scan, content_hash, content_id)
  SELECT e.key, CAST(round(unixepoch(e.first_seen, 'subsec') * 1000) AS INTEGER), CAST(round(unixepoch(e.last_seen, 'subsec') * 1000) AS INTEGER), sc.num, e.content_hash, e.content_id
  FROM service_seen e JOIN scans_v3 sc ON sc.id = e.last_scan_id;
DROP TABLE observations;
DROP TABLE service_seen;
DROP TABLE vulns;
DROP TABLE findings;
DROP TABLE services;
DROP TABLE scans;
-- renaming a parent also renames it in its children's foreign keys
ALTER TABLE scans_v3 RENAME TO scans;
ALTER TABLE services_v3 RENAME TO services;
ALTER TABLE vulns_v3 RENAME TO vulns;
ALTER TABLE findings_v3 RENAME TO findings;
ALTER TABLE observations_v3 RENAME TO observations;
ALTER TABLE service_seen_v3 RENAME TO service_seen;
CREATE INDEX services_port ON services (port);
CREATE INDEX services_product ON services (product COLLATE NOCASE) WHERE product IS NOT NULL;
CREATE INDEX services_vendor ON services (vendor COLLATE NOCASE) WHERE vendor IS NOT NULL;
CREATE INDEX services_device ON services (device_type COLLATE NOCASE) WHERE device_type IS NOT NULL;
CREATE INDEX services_os ON services (os COLLATE NOCASE) WHERE os IS NOT NULL;
CREATE INDEX services_country ON services (country COLLATE NOCASE) WHERE country IS NOT NULL;
CREATE INDEX services_asn ON services (asn) WHERE asn IS NOT NULL;
CREATE INDEX vulns_id ON vulns (vuln_id);
CREATE INDEX findings_type ON findings (type);
CREATE INDEX findings_severity ON findings (severity);
-- what the scan: field searches: observations by scan id
CREATE VIEW observation_scans AS
  SELECT o.service_id, sc.id AS scan_id FROM observations o JOIN scans sc ON sc.num = o.scan;
`,
  // v4: sensor tables (honeypot sessions and events, sources seen by the honeypot or the darknet)
  sqliteSensorMigration,
  // v5: findings tracked across scans, what each scan covered and reached, the outbox
  sqliteFindingsMigration,
]
