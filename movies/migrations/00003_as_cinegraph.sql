-- Our schema brought to cinegraph's own (movies/testdata/cinegraph, made
-- from its Ecto migrations; TestSchemaIsCinegraphs compares the two):
-- column types without our extra precision, the scoreability view's
-- confidence label from the lenses present alone and without the two
-- columns cinegraph's view does not have, person_metrics.calculated_at
-- NOT NULL.

-- +goose Up
ALTER TABLE movies ALTER COLUMN now_playing_last_seen TYPE timestamp;
ALTER TABLE person_metrics ALTER COLUMN calculated_at SET NOT NULL;

DROP VIEW movie_scoreability_view;
CREATE VIEW movie_scoreability_view AS
SELECT
  m.id AS movie_id,
  l.n AS present_lens_count,
  6 - l.n AS missing_lens_count,
  l.labels AS present_lens_labels,
  round(l.n / 6.0, 3)::double precision AS evidence_confidence,
  CASE
    WHEN sc.overall_score IS NULL THEN 'insufficient_evidence'
    WHEN l.n >= 4 THEN 'scoreable'
    WHEN l.n >= 2 THEN 'limited'
    ELSE 'insufficient_evidence'
  END AS scoreability_state,
  -- From the evidence (lenses present) alone, as cinegraph's view: 5-6
  -- lenses high, 3-4 medium, 2 low.
  CASE
    WHEN sc.overall_score IS NULL OR l.n <= 1 THEN 'insufficient'
    WHEN round(l.n / 6.0, 3) >= 0.70 OR l.n >= 5 THEN 'high'
    WHEN round(l.n / 6.0, 3) >= 0.35 OR l.n >= 3 THEN 'medium'
    ELSE 'low'
  END AS score_confidence_label,
  CASE WHEN sc.overall_score IS NOT NULL AND l.n >= 2 THEN sc.overall_score END AS cinegraph_display_score,
  CASE WHEN sc.overall_score IS NOT NULL AND l.n >= 2
       THEN sc.overall_score * round(l.n / 6.0, 3)::double precision END AS cinegraph_sort_score
FROM movies m
LEFT JOIN movie_score_caches sc ON sc.movie_id = m.id
CROSS JOIN LATERAL (
  SELECT
    (COALESCE(sc.mob_score, 0) > 0)::int + (COALESCE(sc.critics_score, 0) > 0)::int +
    (COALESCE(sc.festival_recognition_score, 0) > 0)::int + (COALESCE(sc.time_machine_score, 0) > 0)::int +
    (COALESCE(sc.auteurs_score, 0) > 0)::int + (COALESCE(sc.box_office_score, 0) > 0)::int AS n,
    array_remove(ARRAY[
      CASE WHEN COALESCE(sc.mob_score, 0) > 0 THEN 'mob' END,
      CASE WHEN COALESCE(sc.critics_score, 0) > 0 THEN 'critics' END,
      CASE WHEN COALESCE(sc.festival_recognition_score, 0) > 0 THEN 'festival_recognition' END,
      CASE WHEN COALESCE(sc.time_machine_score, 0) > 0 THEN 'time_machine' END,
      CASE WHEN COALESCE(sc.auteurs_score, 0) > 0 THEN 'auteurs' END,
      CASE WHEN COALESCE(sc.box_office_score, 0) > 0 THEN 'box_office' END
    ]::text[], NULL) AS labels
) l;


DROP MATERIALIZED VIEW movie_discovery_rankings_mv;
CREATE MATERIALIZED VIEW movie_discovery_rankings_mv AS
WITH tmdb AS (
  SELECT DISTINCT ON (movie_id, metric_type) movie_id, metric_type, value
  FROM external_metrics
  WHERE source = 'tmdb' AND metric_type IN ('popularity_score', 'rating_votes', 'rating_average')
  ORDER BY movie_id, metric_type, fetched_at DESC NULLS LAST, id DESC
), pivot AS (
  SELECT movie_id,
    max(value) FILTER (WHERE metric_type = 'popularity_score') AS popularity_score,
    max(value) FILTER (WHERE metric_type = 'rating_votes') AS rating_votes,
    max(value) FILTER (WHERE metric_type = 'rating_average') AS rating_average
  FROM tmdb GROUP BY movie_id
), parts AS (
  SELECT
    m.id AS movie_id, m.release_date, m.import_status, m.poster_path,
    (m.poster_path IS NOT NULL AND m.poster_path <> '') AS has_poster,
    COALESCE(m.release_date <= CURRENT_DATE, false) AS is_released,
    p.popularity_score, p.rating_average, p.rating_votes,
    COALESCE(exp(GREATEST(-700.0, -0.01 * GREATEST(0.0,
      (CURRENT_DATE - COALESCE(m.release_date, CURRENT_DATE))::double precision))), 0.5) AS recency_component,
    COALESCE(ln(GREATEST(p.popularity_score, 1.0) + 1.0) / ln(1000.0), 0.0) AS popularity_component,
    COALESCE(ln(GREATEST(p.rating_votes, 1.0) + 1.0) / ln(100000.0), 0.0) AS votes_component,
    CASE
      WHEN p.rating_votes IS NOT NULL AND p.rating_average IS NOT NULL AND p.rating_votes >= 10 THEN p.rating_average / 10.0
      ELSE 0.5
    END AS rating_component,
    CURRENT_DATE AS calculated_for_date,
    now()::timestamp AS refreshed_at
  FROM movies m
  LEFT JOIN pivot p ON p.movie_id = m.id
)
SELECT movie_id, release_date, import_status, poster_path, has_poster, is_released,
  popularity_score, rating_average, rating_votes,
  recency_component, popularity_component, votes_component, rating_component,
  0.35 * recency_component + 0.35 * popularity_component
    + 0.20 * votes_component + 0.10 * rating_component AS default_discovery_score,
  CASE
    WHEN rating_votes >= 1000 AND rating_average >= 7.0 THEN 'strong_signal'
    WHEN rating_votes >= 10 THEN 'rated'
    WHEN popularity_score IS NOT NULL THEN 'popular'
    ELSE 'limited_signal'
  END AS quality_bucket,
  calculated_for_date, refreshed_at
FROM parts
WITH NO DATA;

CREATE UNIQUE INDEX movie_discovery_rankings_mv_movie_id_idx ON movie_discovery_rankings_mv (movie_id);
CREATE INDEX movie_discovery_rankings_mv_default_rank_idx ON movie_discovery_rankings_mv (
  default_discovery_score DESC NULLS LAST, release_date DESC NULLS LAST, movie_id)
  WHERE import_status = 'full' AND is_released = true;
REFRESH MATERIALIZED VIEW movie_discovery_rankings_mv;

-- +goose Down
-- Back to 00002's definitions and types.
DROP MATERIALIZED VIEW movie_discovery_rankings_mv;
CREATE MATERIALIZED VIEW movie_discovery_rankings_mv AS
WITH tmdb AS (
  SELECT DISTINCT ON (movie_id, metric_type) movie_id, metric_type, value
  FROM external_metrics
  WHERE source = 'tmdb' AND metric_type IN ('popularity_score', 'rating_votes', 'rating_average')
  ORDER BY movie_id, metric_type, fetched_at DESC NULLS LAST, id DESC
), pivot AS (
  SELECT movie_id,
    max(value) FILTER (WHERE metric_type = 'popularity_score') AS popularity_score,
    max(value) FILTER (WHERE metric_type = 'rating_votes') AS rating_votes,
    max(value) FILTER (WHERE metric_type = 'rating_average') AS rating_average
  FROM tmdb GROUP BY movie_id
), parts AS (
  SELECT
    m.id AS movie_id, m.release_date, m.import_status, m.poster_path,
    (m.poster_path IS NOT NULL AND m.poster_path <> '') AS has_poster,
    COALESCE(m.release_date <= CURRENT_DATE, false) AS is_released,
    p.popularity_score, p.rating_average, p.rating_votes,
    COALESCE(exp(GREATEST(-700.0, -0.01 * GREATEST(0.0,
      (CURRENT_DATE - COALESCE(m.release_date, CURRENT_DATE))::double precision))), 0.5) AS recency_component,
    COALESCE(ln(GREATEST(p.popularity_score, 1.0) + 1.0) / ln(1000.0), 0.0) AS popularity_component,
    COALESCE(ln(GREATEST(p.rating_votes, 1.0) + 1.0) / ln(100000.0), 0.0) AS votes_component,
    CASE
      WHEN p.rating_votes IS NOT NULL AND p.rating_average IS NOT NULL AND p.rating_votes >= 10 THEN p.rating_average / 10.0
      ELSE 0.5
    END AS rating_component,
    CURRENT_DATE AS calculated_for_date,
    now()::timestamp(0) AS refreshed_at
  FROM movies m
  LEFT JOIN pivot p ON p.movie_id = m.id
)
SELECT movie_id, release_date, import_status, poster_path, has_poster, is_released,
  popularity_score, rating_average, rating_votes,
  recency_component, popularity_component, votes_component, rating_component,
  0.35 * recency_component + 0.35 * popularity_component
    + 0.20 * votes_component + 0.10 * rating_component AS default_discovery_score,
  CASE
    WHEN rating_votes >= 1000 AND rating_average >= 7.0 THEN 'strong_signal'
    WHEN rating_votes >= 10 THEN 'rated'
    WHEN popularity_score IS NOT NULL THEN 'popular'
    ELSE 'limited_signal'
  END AS quality_bucket,
  calculated_for_date, refreshed_at
FROM parts
WITH NO DATA;

CREATE UNIQUE INDEX movie_discovery_rankings_mv_movie_id_idx ON movie_discovery_rankings_mv (movie_id);
CREATE INDEX movie_discovery_rankings_mv_default_rank_idx ON movie_discovery_rankings_mv (
  default_discovery_score DESC NULLS LAST, release_date DESC NULLS LAST, movie_id)
  WHERE import_status = 'full' AND is_released = true;
REFRESH MATERIALIZED VIEW movie_discovery_rankings_mv;

DROP VIEW movie_scoreability_view;
CREATE VIEW movie_scoreability_view AS
SELECT
  m.id AS movie_id,
  sc.overall_score,
  sc.calculation_version,
  l.n AS present_lens_count,
  6 - l.n AS missing_lens_count,
  l.labels AS present_lens_labels,
  round(l.n / 6.0, 3) AS evidence_confidence,
  CASE
    WHEN sc.overall_score IS NULL THEN 'insufficient_evidence'
    WHEN l.n >= 4 THEN 'scoreable'
    WHEN l.n >= 2 THEN 'limited'
    ELSE 'insufficient_evidence'
  END AS scoreability_state,
  CASE
    WHEN sc.overall_score IS NULL OR l.n <= 1 THEN 'insufficient'
    WHEN COALESCE(sc.score_confidence, 0) >= 0.70 OR l.n >= 5 THEN 'high'
    WHEN COALESCE(sc.score_confidence, 0) >= 0.35 OR l.n >= 3 THEN 'medium'
    ELSE 'low'
  END AS score_confidence_label,
  CASE WHEN sc.overall_score IS NOT NULL AND l.n >= 2 THEN sc.overall_score END AS cinegraph_display_score,
  CASE WHEN sc.overall_score IS NOT NULL AND l.n >= 2
       THEN sc.overall_score * round(l.n / 6.0, 3)::double precision END AS cinegraph_sort_score
FROM movies m
LEFT JOIN movie_score_caches sc ON sc.movie_id = m.id
CROSS JOIN LATERAL (
  SELECT
    (COALESCE(sc.mob_score, 0) > 0)::int + (COALESCE(sc.critics_score, 0) > 0)::int +
    (COALESCE(sc.festival_recognition_score, 0) > 0)::int + (COALESCE(sc.time_machine_score, 0) > 0)::int +
    (COALESCE(sc.auteurs_score, 0) > 0)::int + (COALESCE(sc.box_office_score, 0) > 0)::int AS n,
    array_remove(ARRAY[
      CASE WHEN COALESCE(sc.mob_score, 0) > 0 THEN 'mob' END,
      CASE WHEN COALESCE(sc.critics_score, 0) > 0 THEN 'critics' END,
      CASE WHEN COALESCE(sc.festival_recognition_score, 0) > 0 THEN 'festival_recognition' END,
      CASE WHEN COALESCE(sc.time_machine_score, 0) > 0 THEN 'time_machine' END,
      CASE WHEN COALESCE(sc.auteurs_score, 0) > 0 THEN 'auteurs' END,
      CASE WHEN COALESCE(sc.box_office_score, 0) > 0 THEN 'box_office' END
    ]::text[], NULL) AS labels
) l;

ALTER TABLE person_metrics ALTER COLUMN calculated_at DROP NOT NULL;
ALTER TABLE movies ALTER COLUMN now_playing_last_seen TYPE timestamp(6);
