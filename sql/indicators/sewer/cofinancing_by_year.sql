-- Co-financing granted per year: the sum and the number of connections with co-financing, by the
-- year construction started (when the agreement is made), or the year connected when no start is recorded.
WITH p AS (
  SELECT $1::integer AS municipality_id, $2::integer AS unit_id, $3::date AS date_from, $4::date AS date_to,
         dashboard_area($1::integer, $2::integer) AS area
), granted AS (
  SELECT coalesce(c.construction_started_on, c.connected_on) AS granted_on, c.cofinancing_eur
    FROM p JOIN sewer_connection c ON c.municipality_id = $1::integer
   WHERE c.cofinancing_eur > 0 AND (p.area IS NULL OR ST_Intersects(c.geom, p.area))
)
SELECT extract(year FROM g.granted_on)::int::text AS period,
       round(sum(g.cofinancing_eur), 2)::float8 AS cofinancing_eur,
       count(*)::int AS connections
  FROM granted g, p
 WHERE g.granted_on IS NOT NULL
   AND (p.date_from IS NULL OR g.granted_on >= p.date_from) AND (p.date_to IS NULL OR g.granted_on <= p.date_to)
 GROUP BY 1
 ORDER BY 1
