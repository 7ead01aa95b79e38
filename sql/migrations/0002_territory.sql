-- Municipalities (tenants) and their territorial units. Geometry in LKS-92 / Latvia TM (EPSG:3059).
CREATE TABLE municipality (
  id          serial PRIMARY KEY,
  code        text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9-]+$'),   -- URL slug, e.g. "marupe"
  atvk_code   text,                                                -- ATVK classifier code
  name        text NOT NULL,                                       -- "Mārupes novads"
  name_en     text,
  is_demo     boolean NOT NULL DEFAULT false,
  settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
  boundary    geometry(MultiPolygon, 3059),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX municipality_boundary_gix ON municipality USING gist (boundary);

-- Parishes (pagasti), towns (pilsētas) and villages (ciemi) of a municipality after the 2021 reform.
CREATE TABLE territorial_unit (
  id               serial PRIMARY KEY,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  kind             text NOT NULL CHECK (kind IN ('parish', 'town', 'village')),
  name             text NOT NULL,
  atvk_code        text,
  parent_id        integer REFERENCES territorial_unit (id) ON DELETE SET NULL,
  geom             geometry(MultiPolygon, 3059) NOT NULL,
  UNIQUE (municipality_id, kind, name)
);
CREATE INDEX territorial_unit_geom_gix ON territorial_unit USING gist (geom);
CREATE INDEX territorial_unit_municipality_idx ON territorial_unit (municipality_id);

-- Address points from the State Address Register (VZD, open data AW_EKA).
CREATE TABLE address (
  id               serial PRIMARY KEY,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  code             bigint NOT NULL,                 -- KODS, the register's address code
  type_code        integer,                         -- TIPS_CD (108 = building, 107 = land parcel…)
  status           text NOT NULL DEFAULT 'EKS' CHECK (status IN ('EKS', 'DEL', 'ERR')),
  name             text,                            -- NOSAUKUMS: house number or name
  full_address     text NOT NULL,                   -- STD
  postcode         text,                            -- ATRIB, e.g. LV-2167
  village_id       integer REFERENCES territorial_unit (id) ON DELETE SET NULL,
  search_text      text GENERATED ALWAYS AS (search_fold(full_address)) STORED,
  geom             geometry(Point, 3059) NOT NULL,
  UNIQUE (municipality_id, code)
);
CREATE INDEX address_geom_gix ON address USING gist (geom);
CREATE INDEX address_search_idx ON address (municipality_id, search_text text_pattern_ops);
