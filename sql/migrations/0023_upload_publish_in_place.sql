-- Publishing an upload in place (issue 4, speed): the staged table of a layer becomes the
-- published table, its geometry column converted by ALTER TABLE … USING, which allows no
-- subqueries; this function is that conversion, one geometry at a time.

-- A staged geometry as published: in EPSG:3059, 2D, curves linearised, repaired with ST_MakeValid
-- only when ST_IsValid says so, reduced to one family (1 points, 2 lines, 3 polygons), polygons
-- wound counter-clockwise, Multi when the layer's type is.
CREATE FUNCTION upload_publish_geometry(g geometry, source_srid integer, family integer, multi boolean)
RETURNS geometry LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF g IS NULL THEN RETURN NULL; END IF;
  g := ST_SetSRID(g, source_srid);
  IF source_srid <> 3059 THEN g := ST_Transform(g, 3059); END IF;
  g := ST_Force2D(g);
  IF family > 1 THEN
    IF ST_HasArc(g) THEN g := ST_CurveToLine(g); END IF;
    IF NOT ST_IsValid(g) THEN g := ST_MakeValid(g); END IF;
  END IF;
  g := ST_CollectionExtract(g, family);
  IF family = 3 THEN g := ST_ForcePolygonCCW(g); END IF;
  IF multi THEN g := ST_Multi(g); END IF;
  RETURN g;
END $$;

-- The family (1 points, 2 lines, 3 polygons) a staged geometry type belongs to, as the analysis
-- counts them: curves are lines, collections and surfaces polygons.
CREATE FUNCTION upload_geometry_family(type text) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN type IN ('POINT', 'MULTIPOINT', 'POINTM', 'MULTIPOINTM') THEN 1
              WHEN type IN ('LINESTRING', 'MULTILINESTRING', 'CIRCULARSTRING', 'COMPOUNDCURVE', 'MULTICURVE',
                            'LINESTRINGM', 'MULTILINESTRINGM', 'CIRCULARSTRINGM', 'COMPOUNDCURVEM', 'MULTICURVEM') THEN 2
              ELSE 3 END
$$;
