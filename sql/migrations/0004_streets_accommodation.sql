-- Private street parcels being donated to the municipality (privāto ielu atdāvināšana):
-- application → document_check → inspection → council_decision → land_register → accepted, or rejected.
CREATE TABLE street_transfer (
  id                       serial PRIMARY KEY,
  municipality_id          integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  cadastre_designation     text NOT NULL CHECK (cadastre_designation ~ '^\d{11}$'),
  street_name              text NOT NULL,
  length_m                 numeric(8, 1) CHECK (length_m >= 0),
  width_m                  numeric(5, 1) CHECK (width_m >= 0),
  surface                  text CHECK (surface IN ('asphalt', 'gravel', 'paving', 'soil', 'other')),
  status                   text NOT NULL DEFAULT 'application' CHECK (status IN
                             ('application', 'document_check', 'inspection', 'council_decision',
                              'land_register', 'accepted', 'rejected')),
  status_changed_at        timestamptz NOT NULL DEFAULT now(),
  applied_on               date,
  decision_number          text,
  decision_date            date,
  accepted_on              date,
  yearly_maintenance_eur   numeric(10, 2) CHECK (yearly_maintenance_eur >= 0),
  owner_name               text,            -- personal data: restricted field
  note                     text,
  version                  integer NOT NULL DEFAULT 1,
  updated_at               timestamptz NOT NULL DEFAULT now(),
  geom                     geometry(MultiPolygon, 3059) NOT NULL
);
CREATE INDEX street_transfer_geom_gix ON street_transfer USING gist (geom);
CREATE INDEX street_transfer_status_idx ON street_transfer (municipality_id, status);

-- Accommodation of Ukrainian civilians (2022–). Contact fields are personal data: restricted.
CREATE TABLE accommodation_site (
  id                       serial PRIMARY KEY,
  municipality_id          integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  name                     text NOT NULL,
  site_type                text NOT NULL CHECK (site_type IN
                             ('municipal', 'hotel', 'dormitory', 'private_house', 'apartment', 'other')),
  address_id               integer REFERENCES address (id) ON DELETE SET NULL,
  address_text             text NOT NULL,
  capacity                 integer NOT NULL CHECK (capacity >= 0),
  occupied                 integer NOT NULL DEFAULT 0 CHECK (occupied >= 0),
  families                 integer CHECK (families >= 0),
  children                 integer CHECK (children >= 0),
  accessible               boolean NOT NULL DEFAULT false,   -- step-free access
  accessibility_notes      text,
  period_from              date,
  period_to                date,
  contact_person           text,
  contact_phone            text,
  version                  integer NOT NULL DEFAULT 1,
  updated_at               timestamptz NOT NULL DEFAULT now(),
  geom                     geometry(Point, 3059) NOT NULL,
  CHECK (occupied <= capacity),
  CHECK (period_to IS NULL OR period_from IS NULL OR period_to >= period_from)
);
CREATE INDEX accommodation_site_geom_gix ON accommodation_site USING gist (geom);
CREATE INDEX accommodation_site_municipality_idx ON accommodation_site (municipality_id);

-- Auxiliary points that make the accommodation map useful.
CREATE TABLE facility (
  id               serial PRIMARY KEY,
  municipality_id  integer NOT NULL REFERENCES municipality (id) ON DELETE CASCADE,
  category         text NOT NULL CHECK (category IN
                     ('school', 'kindergarten', 'family_doctor', 'shop', 'bus_stop', 'aid_point')),
  name             text NOT NULL,
  address_text     text,
  opening_hours    text,
  geom             geometry(Point, 3059) NOT NULL
);
CREATE INDEX facility_geom_gix ON facility USING gist (geom);
CREATE INDEX facility_category_idx ON facility (municipality_id, category);
