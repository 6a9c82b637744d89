import { postgresFindingsMigration } from './postgres-findings-migration.js'
import { postgresSensorMigration } from './postgres-sensor-migration.js'

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
`, // v2: contents shared by hash, narrow seen-window rows, slim observations (see the SQLite v2).
  `
CREATE TABLE contents (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
  os TEXT,
  search_text TEXT NOT NULL,
  search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED
);
CREATE INDEX contents_search ON contents USING gin (search);
-- v1 hashed contents differently: a service's first record after the upgrade is stored once more
INSERT INTO contents (hash, protocol, status, banner, error, data, fingerprint, audit, vendor, product, version,
    device_type, os, search_text)
  SELECT DISTINCT ON (s.content_hash) s.content_hash, s.protocol, s.status, d.banner, d.error, d.data,
    d.fingerprint, d.audit, s.vendor, s.product, s.version, s.device_type, s.os, d.search_text
  FROM services s JOIN service_details d ON d.service_id = s.id
  ORDER BY s.content_hash, s.id;
ALTER TABLE services ADD COLUMN content_id BIGINT REFERENCES contents (id);
UPDATE services SET content_id = c.id FROM contents c WHERE c.hash = services.content_hash;
CREATE TABLE service_seen (
  key BIGINT PRIMARY KEY,
  service_id BIGINT NOT NULL REFERENCES services (id),
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  last_scan_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  content_id BIGINT NOT NULL REFERENCES contents (id)
);
-- serviceKey() of record-row.ts: address, port and transport as one integer
ALTER TABLE services ADD COLUMN service_key BIGINT;
UPDATE services SET service_key = ip_num * 131072 + port * 2 + (transport = 'udp')::int;
INSERT INTO service_seen (key, service_id, first_seen, last_seen, last_scan_id, content_hash, content_id)
  SELECT service_key, id, first_seen, last_seen, last_scan_id, content_hash, content_id FROM services;
INSERT INTO contents (hash, protocol, status, banner, error, data, fingerprint, audit, vendor, product, version,
    device_type, os, search_text)
  SELECT 'v1:' || o.id, o.protocol, o.status, o.banner, o.error, o.data, o.fingerprint, o.audit, o.vendor,
    o.product, o.version, o.device_type, o.os, ''
  FROM observations o;
ALTER TABLE observations ADD COLUMN content_id BIGINT REFERENCES contents (id);
UPDATE observations SET content_id = c.id FROM contents c WHERE c.hash = 'v1:' || observations.id;
ALTER TABLE observations ALTER COLUMN content_id SET NOT NULL;
ALTER TABLE observations DROP COLUMN protocol, DROP COLUMN status, DROP COLUMN banner, DROP COLUMN error,
  DROP COLUMN data, DROP COLUMN fingerprint, DROP COLUMN audit, DROP COLUMN vendor, DROP COLUMN product,
  DROP COLUMN version, DROP COLUMN device_type, DROP COLUMN os;
DROP TABLE service_details;
ALTER TABLE services DROP COLUMN first_seen, DROP COLUMN last_seen, DROP COLUMN last_scan_id,
  DROP COLUMN content_hash;
ALTER TABLE hosts DROP COLUMN first_seen, DROP COLUMN last_seen;
DROP INDEX services_product, services_vendor, services_device, services_os, services_country, services_asn;
CREATE INDEX services_product ON services (lower(product)) WHERE product IS NOT NULL;
CREATE INDEX services_vendor ON services (lower(vendor)) WHERE vendor IS NOT NULL;
CREATE INDEX services_device ON services (lower(device_type)) WHERE device_type IS NOT NULL;
CREATE INDEX services_os ON services (lower(os)) WHERE os IS NOT NULL;
CREATE INDEX services_country ON services (lower(country)) WHERE country IS NOT NULL;
CREATE INDEX services_asn ON services (asn) WHERE asn IS NOT NULL;
`,
  // v3: a service's id is its key, scans are numbered, times are integer milliseconds (see the SQLite v3).
  `
ALTER TABLE scans ADD COLUMN num BIGINT GENERATED BY DEFAULT AS IDENTITY;
ALTER TABLE scans ADD CONSTRAINT scans_num UNIQUE (num);
ALTER TABLE vulns DROP CONSTRAINT vulns_service_id_fkey;
ALTER TABLE findings DROP CONSTRAINT findings_service_id_fkey;
-- ids become keys through negatives: no new id can meet an old one half-way
UPDATE vulns SET service_id = -service_id;
UPDATE vulns v SET service_id = s.service_key FROM services s WHERE s.id = -v.service_id;
UPDATE findings SET service_id = -service_id;
UPDATE findings f SET service_id = s.service_key FROM services s WHERE s.id = -f.service_id;
-- no foreign keys on the table every re-scan appends to, nor on last_scan (as in SQLite)
CREATE TABLE observations_v3 (
  scan BIGINT NOT NULL,
  service_id BIGINT NOT NULL,
  ts BIGINT NOT NULL,
  content_id BIGINT NOT NULL,
  PRIMARY KEY (scan, service_id)
);
INSERT INTO observations_v3 (scan, service_id, ts, content_id)
  SELECT sc.num, s.service_key, round(extract(epoch FROM o.ts::timestamptz) * 1000)::bigint, o.content_id
  FROM observations o JOIN scans sc ON sc.id = o.scan_id JOIN services s ON s.id = o.service_id;
DROP TABLE observations;
ALTER TABLE observations_v3 RENAME TO observations;
CREATE TABLE service_seen_v3 (
  service_id BIGINT PRIMARY KEY,
  first_seen BIGINT NOT NULL,
  last_seen BIGINT NOT NULL,
  last_scan BIGINT NOT NULL,
  content_hash TEXT NOT NULL,
  content_id BIGINT NOT NULL REFERENCES contents (id)
);
INSERT INTO service_seen_v3 (service_id, first_seen, last_seen, last_scan, content_hash, content_id)
  SELECT e.key, round(extract(epoch FROM e.first_seen::timestamptz) * 1000)::bigint,
    round(extract(epoch FROM e.last_seen::timestamptz) * 1000)::bigint, sc.num, e.content_hash, e.content_id
  FROM service_seen e JOIN scans sc ON sc.id = e.last_scan_id;
DROP TABLE service_seen;
ALTER TABLE service_seen_v3 RENAME TO service_seen;
ALTER TABLE services ALTER COLUMN id DROP IDENTITY;
UPDATE services SET id = -id;
UPDATE services SET id = service_key;
ALTER TABLE services DROP COLUMN service_key;
-- an address or network is a range of ids: no address index, no (ip, port, transport) constraint
ALTER TABLE services DROP CONSTRAINT services_ip_port_transport_key;
DROP INDEX services_ip_num;
ALTER TABLE services DROP COLUMN ip_num;
ALTER TABLE vulns ADD FOREIGN KEY (service_id) REFERENCES services (id);
ALTER TABLE findings ADD FOREIGN KEY (service_id) REFERENCES services (id);
ALTER TABLE service_seen ADD FOREIGN KEY (service_id) REFERENCES services (id);
-- what the scan: field searches: observations by scan id
CREATE VIEW observation_scans AS
  SELECT o.service_id, sc.id AS scan_id FROM observations o JOIN scans sc ON sc.num = o.scan;
`,
  // v4: sensor tables (honeypot sessions and events, sources seen by the honeypot or the darknet)
  postgresSensorMigration,
  // v5: findings tracked across scans, what each scan covered and reached, the outbox
  postgresFindingsMigration,
]
