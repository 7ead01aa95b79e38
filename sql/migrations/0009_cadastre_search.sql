-- Search looks cadastre designations up by equality in every layer with a cadastre field; without
-- these a lookup reads the whole table on every keystroke that looks like a designation.
CREATE INDEX sewer_connection_cadastre_idx ON sewer_connection (cadastre_designation);
CREATE INDEX street_transfer_cadastre_idx ON street_transfer (cadastre_designation);
