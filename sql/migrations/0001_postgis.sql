-- PostGIS is the only store. The embedded database loads the extension itself; a real server
-- needs it installed (postgresql-15-postgis-3) and created by a superuser or here.
CREATE EXTENSION IF NOT EXISTS postgis;

-- Text normalised for search: lower case, Latvian diacritics folded, so "marupe" finds "Mārupe".
-- Plain translate() rather than the unaccent extension, which the embedded build lacks.
CREATE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(lower(value), 'āčēģīķļņōŗšūžäöüõ', 'acegiklnorsuzaouo')
$$;
