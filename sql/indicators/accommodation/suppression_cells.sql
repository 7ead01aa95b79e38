-- The record counts behind every number the accommodation dashboard shows to readers of suppressed
-- aggregates (server/src/dashboards/suppressionCells.ts): sites in use per parish or town (the
-- protected partition; NULL outside every one) and site type, at the end of each day asked for.
-- $1 municipality, $2 the end of the period (NULL: today, as the KPIs count), $3 the months of the
-- time series ('YYYY-MM'), each counted at its last day as places_over_time.sql counts it.
-- ord 0 is the end of the period, ord n the n-th month.
WITH days AS (
  SELECT 0::bigint AS ord, $2::date AS day
  UNION ALL
  SELECT x.ord, least((to_date(x.month, 'YYYY-MM') + interval '1 month - 1 day')::date, coalesce($2::date, current_date))
    FROM unnest($3::text[]) WITH ORDINALITY AS x(month, ord)
)
SELECT d.ord::int AS ord, u.id AS unit_id, s.site_type AS category, count(*)::int AS records
  FROM days d
 CROSS JOIN LATERAL accommodation_sites_at($1::integer, NULL, d.day) s
  LEFT JOIN LATERAL (
       SELECT t.id FROM territorial_unit t
        WHERE t.municipality_id = $1::integer AND t.kind IN ('parish', 'town') AND ST_Intersects(t.geom, s.geom)
        ORDER BY t.id LIMIT 1
  ) u ON true
 GROUP BY d.ord, u.id, s.site_type
