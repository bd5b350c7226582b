-- Stations and deputies' profiles. station_regions lists every region of a
-- cross-border station (跨区域联络站), its primary stations.region_code
-- included; staff of any of them see the station. station_deputies is the
-- many-to-many link of deputies and the stations they are posted to;
-- deputies.station_id stays the deputy's primary station. rules and notice
-- are the station's own bulletin-board (公示栏) text. A deputy's photo is
-- public, so it is stored plain (metadata stripped), with an ETag.
CREATE TABLE station_regions (
  station_id  BIGINT NOT NULL REFERENCES stations(id),
  region_code TEXT NOT NULL REFERENCES regions(code),
  PRIMARY KEY (station_id, region_code)
);
CREATE INDEX station_regions_region ON station_regions(region_code);

CREATE TABLE station_deputies (
  station_id BIGINT NOT NULL REFERENCES stations(id),
  deputy_id  BIGINT NOT NULL REFERENCES deputies(id),
  PRIMARY KEY (station_id, deputy_id)
);
CREATE INDEX station_deputies_deputy ON station_deputies(deputy_id);
INSERT INTO station_deputies (station_id, deputy_id) SELECT station_id, id FROM deputies WHERE station_id IS NOT NULL;

ALTER TABLE stations ADD COLUMN rules TEXT NOT NULL DEFAULT '';
ALTER TABLE stations ADD COLUMN notice TEXT NOT NULL DEFAULT '';

CREATE TABLE deputy_photos (
  deputy_id    BIGINT PRIMARY KEY REFERENCES deputies(id),
  content_type TEXT NOT NULL,
  data         BYTEA NOT NULL,
  etag         TEXT NOT NULL,
  updated_at   TEXT NOT NULL
);
