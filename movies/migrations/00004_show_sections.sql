-- The show page's Watch, Video and keyword sections (issue #13): cinegraph's
-- keywords, videos and watch-provider tables with their real columns and
-- types (movies/testdata/cinegraph; TestSchemaIsCinegraphs compares them),
-- with the indexes the show page's queries use.

-- +goose Up
CREATE TABLE keywords (
  id          bigserial PRIMARY KEY,
  tmdb_id     integer NOT NULL,
  name        varchar(255) NOT NULL,
  inserted_at timestamp(0) NOT NULL,
  updated_at  timestamp(0) NOT NULL
);
CREATE UNIQUE INDEX keywords_tmdb_id_index ON keywords (tmdb_id);
CREATE INDEX keywords_name_index ON keywords (name);

CREATE TABLE movie_keywords (
  movie_id   bigint NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
  keyword_id bigint NOT NULL REFERENCES keywords (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX movie_keywords_movie_id_keyword_id_index ON movie_keywords (movie_id, keyword_id);

CREATE TABLE movie_videos (
  id           bigserial PRIMARY KEY,
  movie_id     bigint NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
  tmdb_id      varchar(255) NOT NULL,
  name         varchar(255) NOT NULL,
  key          varchar(255) NOT NULL,
  site         varchar(255) NOT NULL,
  size         integer,
  type         varchar(255) NOT NULL,
  official     boolean DEFAULT false,
  published_at timestamp(0),
  inserted_at  timestamp(0) NOT NULL,
  updated_at   timestamp(0) NOT NULL
);
CREATE INDEX movie_videos_movie_id_index ON movie_videos (movie_id);
CREATE UNIQUE INDEX movie_videos_tmdb_id_index ON movie_videos (tmdb_id);

CREATE TABLE watch_providers (
  id                 bigserial PRIMARY KEY,
  source             varchar(50) NOT NULL DEFAULT 'tmdb',
  source_provider_id varchar(100) NOT NULL,
  tmdb_provider_id   integer,
  name               varchar(255) NOT NULL,
  logo_path          varchar(255),
  display_priorities jsonb DEFAULT '{}',
  active             boolean NOT NULL DEFAULT true,
  last_seen_at       timestamp(0),
  metadata           jsonb DEFAULT '{}',
  inserted_at        timestamp(0) NOT NULL,
  updated_at         timestamp(0) NOT NULL
);
CREATE UNIQUE INDEX watch_providers_source_source_provider_id_index ON watch_providers (source, source_provider_id);

CREATE TABLE watch_provider_regions (
  id           bigserial PRIMARY KEY,
  iso_3166_1   varchar(2) NOT NULL,
  english_name varchar(255) NOT NULL,
  native_name  varchar(255),
  source       varchar(50) NOT NULL DEFAULT 'tmdb',
  active       boolean NOT NULL DEFAULT true,
  last_seen_at timestamp(0),
  metadata     jsonb DEFAULT '{}',
  inserted_at  timestamp(0) NOT NULL,
  updated_at   timestamp(0) NOT NULL
);
CREATE UNIQUE INDEX watch_provider_regions_source_iso_3166_1_index ON watch_provider_regions (source, iso_3166_1);

CREATE TABLE movie_watch_providers (
  id                bigserial PRIMARY KEY,
  movie_id          bigint NOT NULL REFERENCES movies (id) ON DELETE CASCADE,
  watch_provider_id bigint NOT NULL REFERENCES watch_providers (id) ON DELETE CASCADE,
  region            varchar(2) NOT NULL,
  monetization_type varchar(50) NOT NULL,
  display_priority  integer,
  tmdb_link         text,
  source            varchar(50) NOT NULL DEFAULT 'tmdb',
  fetched_at        timestamp(0) NOT NULL,
  stale_after       timestamp(0) NOT NULL,
  metadata          jsonb DEFAULT '{}',
  inserted_at       timestamp(0) NOT NULL,
  updated_at        timestamp(0) NOT NULL
);
CREATE UNIQUE INDEX movie_watch_provider_unique_idx ON movie_watch_providers (movie_id, watch_provider_id, region, monetization_type, source);
CREATE INDEX movie_watch_providers_movie_id_region_index ON movie_watch_providers (movie_id, region);

-- +goose Down
DROP TABLE movie_watch_providers;
DROP TABLE watch_provider_regions;
DROP TABLE watch_providers;
DROP TABLE movie_videos;
DROP TABLE movie_keywords;
DROP TABLE keywords;
