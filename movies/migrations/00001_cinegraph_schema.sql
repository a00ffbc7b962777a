-- The subset of the cinegraph schema that the movies pages read (MOVIES.md §6),
-- for demo and test databases. Table names, column names and types are those
-- of cinegraph so that the same queries run against a real cinegraph
-- database, which this tool never migrates (see movies.Migrate).

-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE movies (
  id                bigserial PRIMARY KEY,
  tmdb_id           integer NOT NULL,
  imdb_id           varchar(255),
  title             varchar(255) NOT NULL,
  original_title    varchar(255),
  overview          text,
  release_date      date,
  runtime           integer,
  status            varchar(255),
  tagline           varchar(255),
  homepage          varchar(255),
  original_language varchar(255),
  adult             boolean DEFAULT false,
  backdrop_path     varchar(255),
  poster_path       varchar(255),
  collection_id     integer,
  tmdb_data         jsonb,
  omdb_data         jsonb,
  origin_country    varchar(255)[] DEFAULT '{}',
  import_status     varchar(255) NOT NULL DEFAULT 'full',
  canonical_sources jsonb DEFAULT '{}',
  slug              varchar(255),
  now_playing_last_seen        timestamp(6),
  now_playing_region_last_seen jsonb,
  inserted_at timestamp(0) NOT NULL,
  updated_at  timestamp(0) NOT NULL
);
CREATE UNIQUE INDEX movies_tmdb_id_index ON movies (tmdb_id);
CREATE UNIQUE INDEX movies_slug_index    ON movies (slug);
CREATE INDEX movies_release_date_index   ON movies (release_date);
CREATE INDEX movies_import_status_index  ON movies (import_status);
CREATE INDEX idx_movies_import_status_release_date ON movies (import_status, release_date) WHERE import_status = 'full';
CREATE INDEX movies_title_release_date_index ON movies (title, release_date);
CREATE INDEX idx_movies_lower_title_pattern ON movies (lower(title) varchar_pattern_ops);
CREATE INDEX movies_title_trgm_idx ON movies USING gin (title gin_trgm_ops);
CREATE INDEX movies_canonical_sources_index ON movies USING gin (canonical_sources);
CREATE INDEX movies_runtime_index ON movies (runtime);
CREATE INDEX movies_original_language_index ON movies (original_language);
CREATE INDEX idx_movies_release_year ON movies ((EXTRACT(YEAR FROM release_date)));

CREATE TABLE genres (
  id bigserial PRIMARY KEY, tmdb_id integer NOT NULL, name varchar(255) NOT NULL,
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX genres_tmdb_id_index ON genres (tmdb_id);

CREATE TABLE movie_genres (
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  genre_id bigint NOT NULL REFERENCES genres(id) ON DELETE CASCADE);
CREATE UNIQUE INDEX movie_genres_movie_id_genre_id_index ON movie_genres (movie_id, genre_id);
CREATE INDEX movie_genres_genre_id_index ON movie_genres (genre_id);

CREATE TABLE external_metrics (
  id bigserial PRIMARY KEY,
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  source varchar(50) NOT NULL,
  metric_type varchar(100) NOT NULL,
  value double precision,
  text_value text,
  metadata jsonb DEFAULT '{}',
  fetched_at timestamp(0) NOT NULL,
  valid_until timestamp(0),
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX external_metrics_movie_source_type_index ON external_metrics (movie_id, source, metric_type);
CREATE INDEX idx_external_metrics_covering ON external_metrics (movie_id, source, metric_type, value, fetched_at);
CREATE INDEX external_metrics_source_metric_type_index ON external_metrics (source, metric_type);

CREATE TABLE movie_score_caches (
  id bigserial PRIMARY KEY,
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  mob_score double precision, critics_score double precision,
  festival_recognition_score double precision, time_machine_score double precision,
  auteurs_score double precision, box_office_score double precision,
  overall_score double precision, score_confidence double precision,
  disparity_score double precision, disparity_category varchar(255), unpredictability_score double precision,
  calculated_at timestamp(0) NOT NULL,
  calculation_version varchar(255) NOT NULL DEFAULT '1',
  lens_config_hash varchar(255),
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX movie_score_caches_movie_id_index ON movie_score_caches (movie_id);
CREATE INDEX idx_score_caches_overall_score_desc ON movie_score_caches (overall_score DESC NULLS LAST) WHERE overall_score IS NOT NULL;
CREATE INDEX idx_score_caches_mob_score_desc ON movie_score_caches (mob_score DESC NULLS LAST) WHERE mob_score IS NOT NULL;
CREATE INDEX idx_score_caches_critics_score_desc ON movie_score_caches (critics_score DESC NULLS LAST) WHERE critics_score IS NOT NULL;
CREATE INDEX idx_score_caches_festival_recognition_score_desc ON movie_score_caches (festival_recognition_score DESC NULLS LAST) WHERE festival_recognition_score IS NOT NULL;
CREATE INDEX idx_score_caches_time_machine_score_desc ON movie_score_caches (time_machine_score DESC NULLS LAST) WHERE time_machine_score IS NOT NULL;
CREATE INDEX idx_score_caches_auteurs_score_desc ON movie_score_caches (auteurs_score DESC NULLS LAST) WHERE auteurs_score IS NOT NULL;
CREATE INDEX idx_score_caches_scoreability_sort_desc ON movie_score_caches (
  (overall_score * ((
    (COALESCE(mob_score,0)>0)::int + (COALESCE(critics_score,0)>0)::int +
    (COALESCE(festival_recognition_score,0)>0)::int + (COALESCE(time_machine_score,0)>0)::int +
    (COALESCE(auteurs_score,0)>0)::int + (COALESCE(box_office_score,0)>0)::int)::double precision / 6.0)) DESC NULLS LAST,
  movie_id)
  WHERE overall_score IS NOT NULL AND (
    (COALESCE(mob_score,0)>0)::int + (COALESCE(critics_score,0)>0)::int +
    (COALESCE(festival_recognition_score,0)>0)::int + (COALESCE(time_machine_score,0)>0)::int +
    (COALESCE(auteurs_score,0)>0)::int + (COALESCE(box_office_score,0)>0)::int) >= 2;

CREATE TABLE people (
  id bigserial PRIMARY KEY, tmdb_id integer NOT NULL, imdb_id varchar(255),
  name varchar(255) NOT NULL, slug varchar(255), profile_path varchar(255),
  known_for_department varchar(255), popularity double precision, gender integer,
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX people_tmdb_id_index ON people (tmdb_id);
CREATE UNIQUE INDEX people_slug_index ON people (slug);
CREATE INDEX people_name_lower_pattern_idx ON people (lower(name) varchar_pattern_ops);
CREATE INDEX people_popularity_idx ON people (popularity);

CREATE TABLE movie_credits (
  id bigserial PRIMARY KEY,
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  credit_id varchar(255) NOT NULL, credit_type varchar(255) NOT NULL,
  department varchar(255), job varchar(255), character varchar(255), cast_order integer,
  profile_path varchar(255),
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX movie_credits_credit_id_index ON movie_credits (credit_id);
CREATE INDEX idx_movie_credits_movie_person_type ON movie_credits (movie_id, person_id, credit_type, job);
CREATE INDEX movie_credits_person_id_job_index ON movie_credits (person_id, job);
CREATE INDEX movie_credits_job_person_id_index ON movie_credits (job, person_id);

CREATE TABLE movie_lists (
  id bigserial PRIMARY KEY,
  source_key varchar(255) NOT NULL,
  name varchar(500) NOT NULL, description text,
  source_type varchar(50) NOT NULL, source_url text NOT NULL, source_id varchar(255),
  category varchar(255), active boolean DEFAULT true,
  slug varchar(255), short_name varchar(255), icon varchar(255), display_order integer DEFAULT 0,
  metadata jsonb DEFAULT '{}',
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX movie_lists_source_key_index ON movie_lists (source_key);
CREATE UNIQUE INDEX movie_lists_slug_index ON movie_lists (slug);

CREATE TABLE festival_organizations (
  id bigserial PRIMARY KEY, name varchar(255) NOT NULL, abbreviation varchar(255),
  country varchar(255), slug varchar(255), metadata jsonb DEFAULT '{}',
  win_score double precision, nom_score double precision, prestige_tier integer,
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX festival_organizations_name_index ON festival_organizations (name);
CREATE UNIQUE INDEX festival_organizations_slug_index ON festival_organizations (slug);

CREATE TABLE festival_ceremonies (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES festival_organizations(id) ON DELETE CASCADE,
  year integer NOT NULL, name varchar(255), date date, data jsonb DEFAULT '{}',
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX festival_ceremonies_organization_id_year_index ON festival_ceremonies (organization_id, year);
CREATE INDEX festival_ceremonies_year_index ON festival_ceremonies (year);

CREATE TABLE festival_categories (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES festival_organizations(id) ON DELETE CASCADE,
  name varchar(255) NOT NULL, category_type varchar(255), tracks_person boolean DEFAULT false,
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);

CREATE TABLE festival_nominations (
  id bigserial PRIMARY KEY,
  ceremony_id bigint NOT NULL REFERENCES festival_ceremonies(id) ON DELETE CASCADE,
  category_id bigint NOT NULL REFERENCES festival_categories(id),
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  person_id bigint REFERENCES people(id) ON DELETE SET NULL,
  won boolean DEFAULT false, prize_name varchar(255), details jsonb DEFAULT '{}',
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX festival_nominations_unique_nomination_idx ON festival_nominations (ceremony_id, category_id, movie_id);
CREATE INDEX idx_festival_nominations_movie_scoring ON festival_nominations (movie_id, won, category_id);
CREATE INDEX idx_festival_nominations_movie_won ON festival_nominations (movie_id, won) WHERE won = true;

CREATE TABLE movie_release_dates (
  id bigserial PRIMARY KEY,
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  country_code varchar(2) NOT NULL, certification varchar(255),
  release_date timestamp(0), release_type integer, note varchar(255),
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX movie_release_dates_movie_id_country_code_release_type_index
  ON movie_release_dates (movie_id, country_code, release_type);
CREATE INDEX idx_movie_release_dates_certification_not_null ON movie_release_dates (certification)
  WHERE certification IS NOT NULL AND certification <> '';

-- URL-only filters and sorts.
CREATE TABLE production_companies (
  id bigserial PRIMARY KEY, tmdb_id integer NOT NULL, name varchar(255) NOT NULL,
  logo_path varchar(255), origin_country varchar(255), slug varchar(255),
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX production_companies_tmdb_id_index ON production_companies (tmdb_id);
CREATE UNIQUE INDEX production_companies_slug_index ON production_companies (slug);

CREATE TABLE movie_production_companies (
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  production_company_id bigint NOT NULL REFERENCES production_companies(id) ON DELETE CASCADE);
CREATE UNIQUE INDEX movie_production_companies_movie_id_production_company_id_index
  ON movie_production_companies (movie_id, production_company_id);
CREATE INDEX movie_production_companies_production_company_id_index
  ON movie_production_companies (production_company_id);

CREATE TABLE production_countries (
  id bigserial PRIMARY KEY, iso_3166_1 varchar(255) NOT NULL, name varchar(255) NOT NULL,
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX production_countries_iso_3166_1_index ON production_countries (iso_3166_1);

CREATE TABLE movie_production_countries (
  movie_id bigint NOT NULL REFERENCES movies(id) ON DELETE CASCADE,
  production_country_id bigint NOT NULL REFERENCES production_countries(id) ON DELETE CASCADE);
CREATE UNIQUE INDEX movie_production_countries_movie_id_production_country_id_index
  ON movie_production_countries (movie_id, production_country_id);
CREATE INDEX movie_production_countries_production_country_id_index
  ON movie_production_countries (production_country_id);

CREATE TABLE metric_weight_profiles (
  id bigserial PRIMARY KEY, name varchar(255) NOT NULL, description text,
  category_weights jsonb DEFAULT '{}', active boolean DEFAULT true, is_default boolean DEFAULT false,
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX metric_weight_profiles_name_index ON metric_weight_profiles (name);

CREATE TABLE person_metrics (
  id bigserial PRIMARY KEY,
  person_id bigint NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  metric_type varchar(255) NOT NULL, score double precision,
  components jsonb DEFAULT '{}', metadata jsonb DEFAULT '{}',
  calculated_at timestamp(0), valid_until timestamp(0),
  inserted_at timestamp(0) NOT NULL, updated_at timestamp(0) NOT NULL);
CREATE UNIQUE INDEX person_metrics_person_id_metric_type_index ON person_metrics (person_id, metric_type);

-- +goose Down
DROP TABLE IF EXISTS person_metrics, metric_weight_profiles, movie_production_countries,
  production_countries, movie_production_companies, production_companies, movie_release_dates,
  festival_nominations, festival_categories, festival_ceremonies, festival_organizations,
  movie_lists, movie_credits, people, movie_score_caches, external_metrics, movie_genres,
  genres, movies CASCADE;
