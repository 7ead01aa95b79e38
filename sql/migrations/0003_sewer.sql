-- Centralised sewer network and property connections (centralizētās kanalizācijas pieslēgumi).
CREATE TABLE sewer_main (
  id               serial PRIMARY KEY,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  kind             text NOT NULL DEFAULT 'gravity' CHECK (kind IN ('gravity', 'pressure')),
  diameter_mm      integer CHECK (diameter_mm BETWEEN 25 AND 3000),
  material         text CHECK (material IN ('PVC', 'PE', 'PP', 'concrete', 'ceramic', 'cast_iron', 'steel')),
  year_built       integer CHECK (year_built BETWEEN 1900 AND 2100),
  operator         text,
  geom             geometry(LineString, 3059) NOT NULL
);
CREATE INDEX sewer_main_geom_gix ON sewer_main USING gist (geom);
CREATE INDEX sewer_main_municipality_idx ON sewer_main (municipality_id);

CREATE TABLE sewer_manhole (
  id               serial PRIMARY KEY,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  code             text,
  depth_m          numeric(5, 2) CHECK (depth_m > 0),
  geom             geometry(Point, 3059) NOT NULL
);
CREATE INDEX sewer_manhole_geom_gix ON sewer_manhole USING gist (geom);
CREATE INDEX sewer_manhole_municipality_idx ON sewer_manhole (municipality_id);

-- One property's connection, moving along
-- not_connected → applied → technical_conditions → construction → connected, or refused.
CREATE TABLE sewer_connection (
  id                       serial PRIMARY KEY,
  municipality_id          integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  address_id               integer REFERENCES address (id) ON DELETE SET NULL,
  property_address         text NOT NULL,
  cadastre_designation     text CHECK (cadastre_designation ~ '^\d{11}$'),
  status                   text NOT NULL DEFAULT 'not_connected' CHECK (status IN
                             ('not_connected', 'applied', 'technical_conditions', 'construction', 'connected', 'refused')),
  status_changed_at        timestamptz NOT NULL DEFAULT now(),
  applied_on               date,
  technical_conditions_on  date,
  construction_started_on  date,
  connected_on             date,
  refused_on               date,
  cofinancing_eur          numeric(10, 2) CHECK (cofinancing_eur >= 0),
  population_equivalent    numeric(6, 1) CHECK (population_equivalent >= 0),
  current_treatment        text CHECK (current_treatment IN ('cesspool', 'septic', 'none', 'other')),
  note                     text,
  version                  integer NOT NULL DEFAULT 1,
  updated_at               timestamptz NOT NULL DEFAULT now(),
  geom                     geometry(Point, 3059) NOT NULL
);
CREATE INDEX sewer_connection_geom_gix ON sewer_connection USING gist (geom);
CREATE INDEX sewer_connection_status_idx ON sewer_connection (municipality_id, status);
