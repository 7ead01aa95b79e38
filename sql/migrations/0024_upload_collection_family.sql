-- Geometry collections belong to the family of their highest dimension (issue 4): a collection of
-- points is published with the points, one of lines with the lines, as the analysis counts them
-- (before, every collection counted as polygons and a collection of points came out empty).
CREATE FUNCTION upload_geometry_family(g geometry) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN GeometryType(g) = 'GEOMETRYCOLLECTION' THEN ST_Dimension(g) + 1
              ELSE upload_geometry_family(GeometryType(g)) END
$$;
