--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: citext; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;


--
-- Name: EXTENSION citext; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION citext IS 'data type for case-insensitive character strings';


--
-- Name: pg_trgm; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;


--
-- Name: EXTENSION pg_trgm; Type: COMMENT; Schema: -; Owner: -
--

COMMENT ON EXTENSION pg_trgm IS 'text similarity measurement and index searching based on trigrams';


--
-- Name: oban_job_state; Type: TYPE; Schema: public; Owner: -
--

CREATE TYPE public.oban_job_state AS ENUM (
    'available',
    'suspended',
    'scheduled',
    'executing',
    'retryable',
    'completed',
    'discarded',
    'cancelled'
);


--
-- Name: ensure_person_order(integer, integer); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.ensure_person_order(p1_id integer, p2_id integer) RETURNS TABLE(person_a_id integer, person_b_id integer)
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
  IF p1_id < p2_id THEN
    RETURN QUERY SELECT p1_id, p2_id;
  ELSE
    RETURN QUERY SELECT p2_id, p1_id;
  END IF;
END;
$$;


--
-- Name: normalize_metric_value(double precision, text, jsonb, double precision, double precision); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.normalize_metric_value(p_value double precision, p_normalization_type text, p_params jsonb, p_min double precision, p_max double precision) RETURNS double precision
    LANGUAGE plpgsql IMMUTABLE
    AS $$
  DECLARE
    v_result FLOAT;
  BEGIN
    CASE p_normalization_type
      WHEN 'linear' THEN
        IF p_max = p_min OR p_max IS NULL OR p_min IS NULL THEN
          v_result := 0.0;
        ELSE
          v_result := (p_value - p_min) / (p_max - p_min);
        END IF;
      
      WHEN 'logarithmic' THEN
        v_result := LN(p_value + 1) / LN(COALESCE((p_params->>'threshold')::FLOAT, 1000000) + 1);
      
      WHEN 'sigmoid' THEN
        v_result := 1 / (1 + EXP(-COALESCE((p_params->>'k')::FLOAT, 0.05) * 
                   (COALESCE((p_params->>'midpoint')::FLOAT, 50) - p_value)));
      
      WHEN 'boolean' THEN
        v_result := CASE WHEN p_value > 0 THEN 1.0 ELSE 0.0 END;
      
      ELSE
        v_result := p_value;  -- Custom normalization handled in application
    END CASE;
    
    -- Ensure result is between 0 and 1
    RETURN GREATEST(0.0, LEAST(1.0, v_result));
  END;
  $$;


--
-- Name: update_collaboration_timestamp(); Type: FUNCTION; Schema: public; Owner: -
--

CREATE FUNCTION public.update_collaboration_timestamp() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at = NOW();
  RETURN NEW;
END;
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: api_lookup_metrics; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.api_lookup_metrics (
    id bigint NOT NULL,
    source character varying(255) NOT NULL,
    operation character varying(255) NOT NULL,
    target_identifier character varying(255),
    success boolean NOT NULL,
    confidence_score double precision,
    fallback_level integer,
    response_time_ms integer,
    error_type character varying(255),
    error_message text,
    metadata jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: api_lookup_metrics_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.api_lookup_metrics_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: api_lookup_metrics_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.api_lookup_metrics_id_seq OWNED BY public.api_lookup_metrics.id;


--
-- Name: festival_ceremonies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.festival_ceremonies (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    year integer NOT NULL,
    ceremony_number integer,
    name character varying(255),
    date date,
    location character varying(255),
    data jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    data_source character varying(50) DEFAULT 'unknown'::character varying NOT NULL,
    source_url character varying(255),
    scraped_at timestamp(0) without time zone,
    source_metadata jsonb DEFAULT '{}'::jsonb
);


--
-- Name: festival_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.festival_events (
    id bigint NOT NULL,
    source_key character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    abbreviation character varying(255),
    country character varying(255),
    founded_year integer,
    website character varying(255),
    primary_source character varying(255) DEFAULT 'imdb'::character varying NOT NULL,
    source_config jsonb DEFAULT '{}'::jsonb,
    fallback_sources jsonb[] DEFAULT ARRAY[]::jsonb[],
    typical_start_month integer,
    typical_start_day integer,
    typical_duration_days integer,
    timezone character varying(255) DEFAULT 'UTC'::character varying,
    min_available_year integer,
    max_available_year integer,
    current_year_status character varying(255),
    active boolean DEFAULT true,
    import_priority integer DEFAULT 0,
    auto_detect_new_years boolean DEFAULT true,
    last_successful_import timestamp(0) without time zone,
    total_successful_imports integer DEFAULT 0,
    reliability_score double precision DEFAULT 0.0,
    last_error text,
    ceremony_vs_festival character varying(255),
    tracks_nominations boolean DEFAULT true,
    tracks_winners_only boolean DEFAULT false,
    categories_structure character varying(255) DEFAULT 'hierarchical'::character varying,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    discovered_years integer[] DEFAULT ARRAY[]::integer[],
    imdb_event_id character varying(255),
    years_discovered_at timestamp(0) without time zone,
    CONSTRAINT ceremony_vs_festival_check CHECK ((((ceremony_vs_festival)::text = ANY ((ARRAY['ceremony'::character varying, 'festival'::character varying])::text[])) OR (ceremony_vs_festival IS NULL))),
    CONSTRAINT current_year_status_check CHECK ((((current_year_status)::text = ANY ((ARRAY['upcoming'::character varying, 'in_progress'::character varying, 'completed'::character varying, 'cancelled'::character varying])::text[])) OR (current_year_status IS NULL))),
    CONSTRAINT primary_source_check CHECK (((primary_source)::text = ANY ((ARRAY['imdb'::character varying, 'official'::character varying, 'api'::character varying, 'custom'::character varying])::text[]))),
    CONSTRAINT reliability_score_check CHECK (((reliability_score >= (0.0)::double precision) AND (reliability_score <= (1.0)::double precision)))
);


--
-- Name: festival_nominations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.festival_nominations (
    id bigint NOT NULL,
    ceremony_id bigint NOT NULL,
    category_id bigint NOT NULL,
    movie_id bigint NOT NULL,
    person_id bigint,
    won boolean DEFAULT false,
    prize_name character varying(255),
    details jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    CONSTRAINT must_have_nominee CHECK ((movie_id IS NOT NULL))
);


--
-- Name: festival_organizations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.festival_organizations (
    id bigint NOT NULL,
    name character varying(255) NOT NULL,
    abbreviation character varying(255),
    country character varying(255),
    founded_year integer,
    website character varying(255),
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    slug character varying(255),
    win_score double precision,
    nom_score double precision,
    prestige_tier integer,
    logo_url text,
    hero_image_url text
);


--
-- Name: award_import_status; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.award_import_status AS
 WITH known_festivals AS (
         SELECT fe.abbreviation,
            fe.name,
            fe.founded_year AS first_year,
            fe.discovered_years,
            fe.years_discovered_at,
                CASE
                    WHEN ((fe.primary_source)::text = 'official'::text) THEN 'oscars.org'::text
                    ELSE 'imdb'::text
                END AS default_source
           FROM public.festival_events fe
          WHERE (fe.active = true)
        ), festival_years AS (
         SELECT kf.abbreviation,
            kf.name,
            kf.first_year,
            kf.default_source,
            kf.years_discovered_at,
            y.year
           FROM (known_festivals kf
             CROSS JOIN LATERAL ( SELECT unnest(kf.discovered_years) AS year
                  WHERE ((kf.discovered_years IS NOT NULL) AND (array_length(kf.discovered_years, 1) > 0))
                UNION ALL
                 SELECT generate_series(kf.first_year, (EXTRACT(year FROM CURRENT_DATE))::integer) AS year
                  WHERE ((kf.discovered_years IS NULL) OR (array_length(kf.discovered_years, 1) IS NULL) OR (array_length(kf.discovered_years, 1) = 0))) y)
        ), nomination_stats AS (
         SELECT fn.ceremony_id,
            count(*) AS total_nominations,
            count(fn.movie_id) AS matched_movies,
            count(fn.person_id) AS matched_people,
            count(
                CASE
                    WHEN (fn.won = true) THEN 1
                    ELSE NULL::integer
                END) AS winners
           FROM public.festival_nominations fn
          GROUP BY fn.ceremony_id
        )
 SELECT COALESCE(fo.id, (('-1'::integer * abs((hashtext((fy.abbreviation)::text) % 1000000))))::bigint) AS organization_id,
    fy.name AS organization_name,
    fy.abbreviation,
    fc.id AS ceremony_id,
    fy.year,
    fc.date AS ceremony_date,
    COALESCE(fc.data_source, (fy.default_source)::character varying) AS data_source,
    fc.source_url,
    fc.scraped_at,
    fc.source_metadata,
    COALESCE(ns.total_nominations, (0)::bigint) AS total_nominations,
    COALESCE(ns.matched_movies, (0)::bigint) AS matched_movies,
    COALESCE(ns.matched_people, (0)::bigint) AS matched_people,
    COALESCE(ns.winners, (0)::bigint) AS winners,
        CASE
            WHEN ((ns.total_nominations IS NULL) OR (ns.total_nominations = 0)) THEN (0)::numeric
            ELSE round((((ns.matched_movies)::numeric / (ns.total_nominations)::numeric) * (100)::numeric), 1)
        END AS movie_match_rate,
        CASE
            WHEN ((fc.source_metadata ->> 'import_status'::text) = 'no_data'::text) THEN 'no_data'::text
            WHEN ((fc.source_metadata ->> 'import_status'::text) = 'failed'::text) THEN 'failed'::text
            WHEN (fc.id IS NULL) THEN 'not_started'::text
            WHEN (fc.scraped_at IS NULL) THEN 'pending'::text
            WHEN ((ns.total_nominations = 0) OR (ns.total_nominations IS NULL)) THEN 'empty'::text
            WHEN (((ns.matched_movies)::numeric / (ns.total_nominations)::numeric) >= 0.9) THEN 'completed'::text
            WHEN (((ns.matched_movies)::numeric / (ns.total_nominations)::numeric) >= 0.5) THEN 'partial'::text
            WHEN (ns.matched_movies > 0) THEN 'low_match'::text
            ELSE 'no_matches'::text
        END AS status,
    fy.years_discovered_at,
    fc.inserted_at AS created_at,
    fc.updated_at
   FROM (((festival_years fy
     LEFT JOIN public.festival_organizations fo ON (((fo.abbreviation)::text = (fy.abbreviation)::text)))
     LEFT JOIN public.festival_ceremonies fc ON (((fc.organization_id = fo.id) AND (fc.year = fy.year))))
     LEFT JOIN nomination_stats ns ON ((ns.ceremony_id = fc.id)))
  ORDER BY fy.abbreviation, fy.year DESC;


--
-- Name: collaboration_details; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collaboration_details (
    id bigint NOT NULL,
    collaboration_id bigint NOT NULL,
    movie_id bigint NOT NULL,
    collaboration_type character varying(255) NOT NULL,
    year integer NOT NULL,
    movie_rating numeric(3,1),
    movie_revenue bigint
);


--
-- Name: collaboration_details_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.collaboration_details_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: collaboration_details_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.collaboration_details_id_seq OWNED BY public.collaboration_details.id;


--
-- Name: collaborations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collaborations (
    id bigint NOT NULL,
    person_a_id bigint NOT NULL,
    person_b_id bigint NOT NULL,
    collaboration_count integer DEFAULT 0 NOT NULL,
    first_collaboration_date date,
    latest_collaboration_date date,
    avg_movie_rating numeric(3,1),
    total_revenue bigint DEFAULT 0,
    years_active integer[] DEFAULT ARRAY[]::integer[],
    peak_year integer,
    genre_diversity_score numeric(3,2),
    role_diversity_score numeric(3,2),
    inserted_at timestamp with time zone NOT NULL,
    updated_at timestamp with time zone NOT NULL,
    CONSTRAINT ordered_persons CHECK ((person_a_id < person_b_id))
);


--
-- Name: collaborations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.collaborations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: collaborations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.collaborations_id_seq OWNED BY public.collaborations.id;


--
-- Name: collections; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.collections (
    id bigint NOT NULL,
    tmdb_id integer NOT NULL,
    name character varying(255) NOT NULL,
    overview text,
    poster_path character varying(255),
    backdrop_path character varying(255),
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: collections_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.collections_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: collections_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.collections_id_seq OWNED BY public.collections.id;


--
-- Name: completeness_log; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.completeness_log (
    captured_on date NOT NULL,
    payload jsonb NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL
);


--
-- Name: data_refreshes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.data_refreshes (
    id bigint NOT NULL,
    entity_type character varying(50) NOT NULL,
    entity_id bigint NOT NULL,
    source character varying(50) NOT NULL,
    fetched_at timestamp(0) without time zone,
    stale_after timestamp(0) without time zone,
    status character varying(20) DEFAULT 'pending'::character varying NOT NULL,
    error_reason text,
    attempt_count integer DEFAULT 0 NOT NULL,
    last_attempt_at timestamp(0) without time zone,
    last_checked_at timestamp(0) without time zone,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: data_refreshes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.data_refreshes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: data_refreshes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.data_refreshes_id_seq OWNED BY public.data_refreshes.id;


--
-- Name: external_metrics; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.external_metrics (
    id bigint NOT NULL,
    movie_id bigint NOT NULL,
    source character varying(50) NOT NULL,
    metric_type character varying(100) NOT NULL,
    value double precision,
    text_value text,
    metadata jsonb DEFAULT '{}'::jsonb,
    fetched_at timestamp(0) without time zone NOT NULL,
    valid_until timestamp(0) without time zone,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: external_metrics_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.external_metrics_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: external_metrics_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.external_metrics_id_seq OWNED BY public.external_metrics.id;


--
-- Name: festival_categories; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.festival_categories (
    id bigint NOT NULL,
    organization_id bigint NOT NULL,
    name character varying(255) NOT NULL,
    tracks_person boolean DEFAULT false,
    category_type character varying(255),
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: festival_categories_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.festival_categories_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: festival_categories_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.festival_categories_id_seq OWNED BY public.festival_categories.id;


--
-- Name: festival_ceremonies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.festival_ceremonies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: festival_ceremonies_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.festival_ceremonies_id_seq OWNED BY public.festival_ceremonies.id;


--
-- Name: festival_dates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.festival_dates (
    id bigint NOT NULL,
    festival_event_id bigint NOT NULL,
    year integer NOT NULL,
    start_date date,
    end_date date,
    status character varying(255) DEFAULT 'upcoming'::character varying NOT NULL,
    announcement_date date,
    source character varying(255),
    notes text,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    CONSTRAINT status_check CHECK (((status)::text = ANY ((ARRAY['upcoming'::character varying, 'in_progress'::character varying, 'completed'::character varying, 'cancelled'::character varying])::text[]))),
    CONSTRAINT valid_date_range_check CHECK (((end_date IS NULL) OR (start_date IS NULL) OR (end_date >= start_date)))
);


--
-- Name: festival_dates_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.festival_dates_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: festival_dates_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.festival_dates_id_seq OWNED BY public.festival_dates.id;


--
-- Name: festival_events_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.festival_events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: festival_events_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.festival_events_id_seq OWNED BY public.festival_events.id;


--
-- Name: festival_nominations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.festival_nominations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: festival_nominations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.festival_nominations_id_seq OWNED BY public.festival_nominations.id;


--
-- Name: festival_organizations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.festival_organizations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: festival_organizations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.festival_organizations_id_seq OWNED BY public.festival_organizations.id;


--
-- Name: genres; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.genres (
    id bigint NOT NULL,
    tmdb_id integer NOT NULL,
    name character varying(255) NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: genres_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.genres_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: genres_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.genres_id_seq OWNED BY public.genres.id;


--
-- Name: keywords; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.keywords (
    id bigint NOT NULL,
    tmdb_id integer NOT NULL,
    name character varying(255) NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: keywords_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.keywords_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: keywords_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.keywords_id_seq OWNED BY public.keywords.id;


--
-- Name: metric_definitions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.metric_definitions (
    id bigint NOT NULL,
    code character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    source_table character varying(255) NOT NULL,
    source_type character varying(255),
    source_field character varying(255),
    category character varying(255),
    subcategory character varying(255),
    normalization_type character varying(255) NOT NULL,
    normalization_params jsonb DEFAULT '{}'::jsonb,
    raw_scale_min double precision,
    raw_scale_max double precision,
    display_format character varying(255),
    display_unit character varying(255),
    source_reliability double precision DEFAULT 1.0,
    active boolean DEFAULT true,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    kind character varying(255) DEFAULT 'raw'::character varying NOT NULL,
    derivation character varying(255),
    weight_within_lens double precision DEFAULT 1.0 NOT NULL,
    is_available boolean DEFAULT true NOT NULL
);


--
-- Name: metric_definitions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.metric_definitions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: metric_definitions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.metric_definitions_id_seq OWNED BY public.metric_definitions.id;


--
-- Name: movie_credits; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_credits (
    id bigint NOT NULL,
    movie_id bigint NOT NULL,
    person_id bigint NOT NULL,
    credit_id character varying(255) NOT NULL,
    credit_type character varying(255) NOT NULL,
    department character varying(255),
    job character varying(255),
    "character" character varying(255),
    cast_order integer,
    profile_path character varying(255),
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: movie_genres; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_genres (
    movie_id bigint NOT NULL,
    genre_id bigint NOT NULL
);


--
-- Name: movie_keywords; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_keywords (
    movie_id bigint NOT NULL,
    keyword_id bigint NOT NULL
);


--
-- Name: movie_production_countries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_production_countries (
    movie_id bigint NOT NULL,
    production_country_id bigint NOT NULL
);


--
-- Name: movie_videos; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_videos (
    id bigint NOT NULL,
    movie_id bigint NOT NULL,
    tmdb_id character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    key character varying(255) NOT NULL,
    site character varying(255) NOT NULL,
    size integer,
    type character varying(255) NOT NULL,
    official boolean DEFAULT false,
    published_at timestamp(0) without time zone,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: movies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movies (
    id bigint NOT NULL,
    tmdb_id integer NOT NULL,
    imdb_id character varying(255),
    title character varying(255) NOT NULL,
    original_title character varying(255),
    overview text,
    release_date date,
    runtime integer,
    status character varying(255),
    tagline character varying(255),
    homepage character varying(255),
    original_language character varying(255),
    adult boolean DEFAULT false,
    backdrop_path character varying(255),
    poster_path character varying(255),
    collection_id integer,
    tmdb_data jsonb,
    omdb_data jsonb,
    origin_country character varying(255)[] DEFAULT ARRAY[]::character varying[],
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    import_status character varying(255) DEFAULT 'full'::character varying NOT NULL,
    canonical_sources jsonb DEFAULT '{}'::jsonb,
    slug character varying(255),
    now_playing_last_seen timestamp without time zone,
    now_playing_region_last_seen jsonb
);


--
-- Name: person_metrics; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.person_metrics (
    id bigint NOT NULL,
    person_id bigint NOT NULL,
    metric_type character varying(255) NOT NULL,
    score double precision,
    components jsonb DEFAULT '{}'::jsonb,
    metadata jsonb DEFAULT '{}'::jsonb,
    calculated_at timestamp(0) without time zone NOT NULL,
    valid_until timestamp(0) without time zone,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: metric_values_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.metric_values_view AS
 SELECT all_rows.movie_id,
    all_rows.metric_code,
    max(all_rows.raw_value_numeric) AS raw_value_numeric,
    max(all_rows.raw_value_text) AS raw_value_text,
    max(all_rows.normalized_value) AS normalized_value,
    max((all_rows.source_type)::text) AS source_type,
    max((all_rows.source_key)::text) AS source_key,
    max(all_rows.observed_at) AS observed_at,
    max(all_rows.source_table) AS source_table
   FROM ( SELECT em.movie_id,
            COALESCE(md.code, (concat(em.source, '_', em.metric_type))::character varying) AS metric_code,
            em.value AS raw_value_numeric,
            em.text_value AS raw_value_text,
                CASE
                    WHEN (md.id IS NOT NULL) THEN public.normalize_metric_value(em.value, (md.normalization_type)::text, md.normalization_params, md.raw_scale_min, md.raw_scale_max)
                    ELSE NULL::double precision
                END AS normalized_value,
            em.source AS source_type,
            em.source AS source_key,
            em.fetched_at AS observed_at,
            'external_metrics'::text AS source_table
           FROM (public.external_metrics em
             LEFT JOIN public.metric_definitions md ON ((((md.source_table)::text = 'external_metrics'::text) AND ((md.source_type)::text = (em.source)::text) AND ((md.source_field)::text = (em.metric_type)::text) AND (md.active = true))))
          WHERE ((em.value IS NOT NULL) OR ((em.text_value IS NOT NULL) AND (md.id IS NOT NULL)))
        UNION ALL
         SELECT fn.movie_id,
            fcode.metric_code,
            (1)::double precision AS raw_value_numeric,
                CASE
                    WHEN fn.won THEN 'true'::text
                    ELSE 'false'::text
                END AS raw_value_text,
                CASE
                    WHEN (md.id IS NOT NULL) THEN public.normalize_metric_value((1)::double precision, (md.normalization_type)::text, md.normalization_params, md.raw_scale_min, md.raw_scale_max)
                    ELSE NULL::double precision
                END AS normalized_value,
            fo.abbreviation AS source_type,
            fo.abbreviation AS source_key,
            max(fc.date) AS observed_at,
            'festival_nominations'::text AS source_table
           FROM ((((public.festival_nominations fn
             JOIN public.festival_ceremonies fc ON ((fn.ceremony_id = fc.id)))
             JOIN public.festival_organizations fo ON ((fc.organization_id = fo.id)))
             CROSS JOIN LATERAL ( SELECT
                        CASE
                            WHEN (((fo.abbreviation)::text = 'AMPAS'::text) AND (fn.won = true)) THEN 'oscar_wins'::text
                            WHEN (((fo.abbreviation)::text = 'AMPAS'::text) AND (fn.won = false)) THEN 'oscar_nominations'::text
                            WHEN (((fo.abbreviation)::text = 'CANNES'::text) AND (fn.won = true)) THEN 'cannes_palme_dor'::text
                            WHEN (((fo.abbreviation)::text = 'VIFF'::text) AND (fn.won = true)) THEN 'venice_golden_lion'::text
                            WHEN (((fo.abbreviation)::text = 'BERLINALE'::text) AND (fn.won = true)) THEN 'berlin_golden_bear'::text
                            ELSE concat(lower((fo.abbreviation)::text), '_',
                            CASE
                                WHEN fn.won THEN 'win'::text
                                ELSE 'nom'::text
                            END)
                        END AS metric_code) fcode)
             LEFT JOIN public.metric_definitions md ON ((((md.code)::text = fcode.metric_code) AND (md.active = true))))
          WHERE (fn.movie_id IS NOT NULL)
          GROUP BY fn.movie_id, fcode.metric_code, fn.won, fo.abbreviation, md.id, md.normalization_type, md.normalization_params, md.raw_scale_min, md.raw_scale_max
        UNION ALL
         SELECT m.id AS movie_id,
            sources.key AS metric_code,
            cv.num AS raw_value_numeric,
            (sources.value)::text AS raw_value_text,
                CASE
                    WHEN (md.id IS NOT NULL) THEN public.normalize_metric_value(cv.num, (md.normalization_type)::text, md.normalization_params, md.raw_scale_min, md.raw_scale_max)
                    ELSE NULL::double precision
                END AS normalized_value,
            sources.key AS source_type,
            sources.key AS source_key,
            m.updated_at AS observed_at,
            'canonical_sources'::text AS source_table
           FROM (((public.movies m
             CROSS JOIN LATERAL jsonb_each(m.canonical_sources) sources(key, value))
             CROSS JOIN LATERAL ( SELECT (
                        CASE
                            WHEN ((sources.value)::text = 'true'::text) THEN 1
                            WHEN ((sources.value)::text ~ '^[0-9]+$'::text) THEN ((sources.value)::text)::integer
                            ELSE NULL::integer
                        END)::double precision AS num) cv)
             LEFT JOIN public.metric_definitions md ON ((((md.code)::text = sources.key) AND (md.active = true))))
          WHERE (m.canonical_sources IS NOT NULL)
        UNION ALL
         SELECT movie_credits.movie_id,
            'person_quality_score'::character varying AS metric_code,
            avg(pm.score) AS raw_value_numeric,
            'quality_score'::text AS raw_value_text,
                CASE
                    WHEN (md.id IS NOT NULL) THEN public.normalize_metric_value(avg(pm.score), (md.normalization_type)::text, md.normalization_params, md.raw_scale_min, md.raw_scale_max)
                    ELSE NULL::double precision
                END AS normalized_value,
            'person_metrics'::character varying AS source_type,
            'quality_score'::character varying AS source_key,
            max(pm.calculated_at) AS observed_at,
            'person_metrics'::text AS source_table
           FROM ((public.person_metrics pm
             JOIN ( SELECT DISTINCT movie_credits_1.movie_id,
                    movie_credits_1.person_id
                   FROM public.movie_credits movie_credits_1
                  WHERE (movie_credits_1.movie_id IS NOT NULL)) movie_credits ON ((pm.person_id = movie_credits.person_id)))
             LEFT JOIN public.metric_definitions md ON ((((md.code)::text = 'person_quality_score'::text) AND (md.active = true))))
          WHERE (((pm.metric_type)::text = 'quality_score'::text) AND (pm.score IS NOT NULL))
          GROUP BY movie_credits.movie_id, md.id, md.normalization_type, md.normalization_params, md.raw_scale_min, md.raw_scale_max
        UNION ALL
         SELECT m.id AS movie_id,
            attr.code AS metric_code,
            attr.num AS raw_value_numeric,
            attr.txt AS raw_value_text,
                CASE
                    WHEN (md.id IS NOT NULL) THEN public.normalize_metric_value(attr.num, (md.normalization_type)::text, md.normalization_params, md.raw_scale_min, md.raw_scale_max)
                    ELSE NULL::double precision
                END AS normalized_value,
            'movies'::character varying AS source_type,
            'movies'::character varying AS source_key,
            m.updated_at AS observed_at,
            'movie_attributes'::text AS source_table
           FROM ((public.movies m
             CROSS JOIN LATERAL ( VALUES ('runtime'::text,(m.runtime)::double precision,NULL::text), ('release_year'::text,(EXTRACT(year FROM m.release_date))::double precision,NULL::text), ('original_language'::text,NULL::double precision,m.original_language), ('collection_membership'::text,(
                        CASE
                            WHEN (m.collection_id IS NOT NULL) THEN 1
                            ELSE 0
                        END)::double precision,NULL::text)) attr(code, num, txt))
             LEFT JOIN public.metric_definitions md ON ((((md.code)::text = attr.code) AND (md.active = true))))
          WHERE ((attr.num IS NOT NULL) OR (attr.txt IS NOT NULL))
        UNION ALL
         SELECT j.movie_id,
            j.code AS metric_code,
            j.cnt AS raw_value_numeric,
            NULL::text AS raw_value_text,
                CASE
                    WHEN (md.id IS NOT NULL) THEN public.normalize_metric_value(j.cnt, (md.normalization_type)::text, md.normalization_params, md.raw_scale_min, md.raw_scale_max)
                    ELSE NULL::double precision
                END AS normalized_value,
            'junction'::character varying AS source_type,
            'junction'::character varying AS source_key,
            NULL::timestamp without time zone AS observed_at,
            'movie_attributes'::text AS source_table
           FROM (( SELECT movie_genres.movie_id,
                    'genre_ids'::text AS code,
                    (count(*))::double precision AS cnt
                   FROM public.movie_genres
                  GROUP BY movie_genres.movie_id
                UNION ALL
                 SELECT movie_keywords.movie_id,
                    'keyword_ids'::text AS code,
                    (count(*))::double precision AS cnt
                   FROM public.movie_keywords
                  GROUP BY movie_keywords.movie_id
                UNION ALL
                 SELECT movie_production_countries.movie_id,
                    'production_country_count'::text AS code,
                    (count(*))::double precision AS cnt
                   FROM public.movie_production_countries
                  GROUP BY movie_production_countries.movie_id) j
             LEFT JOIN public.metric_definitions md ON ((((md.code)::text = j.code) AND (md.active = true))))
        UNION ALL
         SELECT v.movie_id,
            'has_official_trailer'::character varying AS metric_code,
            v.flag AS raw_value_numeric,
            NULL::text AS raw_value_text,
                CASE
                    WHEN (md.id IS NOT NULL) THEN public.normalize_metric_value(v.flag, (md.normalization_type)::text, md.normalization_params, md.raw_scale_min, md.raw_scale_max)
                    ELSE NULL::double precision
                END AS normalized_value,
            'movie_videos'::character varying AS source_type,
            'movie_videos'::character varying AS source_key,
            NULL::timestamp without time zone AS observed_at,
            'movie_attributes'::text AS source_table
           FROM (( SELECT movie_videos.movie_id,
                    (
                        CASE
                            WHEN bool_or((movie_videos.official AND ((movie_videos.type)::text = 'Trailer'::text))) THEN 1
                            ELSE 0
                        END)::double precision AS flag
                   FROM public.movie_videos
                  GROUP BY movie_videos.movie_id) v
             LEFT JOIN public.metric_definitions md ON ((((md.code)::text = 'has_official_trailer'::text) AND (md.active = true))))) all_rows
  GROUP BY all_rows.movie_id, all_rows.metric_code;


--
-- Name: metric_values_matview; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.metric_values_matview AS
 SELECT metric_values_view.movie_id,
    metric_values_view.metric_code,
    metric_values_view.raw_value_numeric,
    metric_values_view.raw_value_text,
    metric_values_view.normalized_value,
    metric_values_view.source_type,
    metric_values_view.source_key,
    metric_values_view.observed_at,
    metric_values_view.source_table
   FROM public.metric_values_view
  WITH NO DATA;


--
-- Name: metric_weight_profiles; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.metric_weight_profiles (
    id bigint NOT NULL,
    name character varying(255) NOT NULL,
    description text,
    weights jsonb DEFAULT '{}'::jsonb NOT NULL,
    category_weights jsonb DEFAULT '{"awards": 1.0, "ratings": 1.0, "cultural": 1.0, "financial": 1.0}'::jsonb,
    usage_count integer DEFAULT 0,
    last_used_at timestamp(0) without time zone,
    active boolean DEFAULT true,
    is_default boolean DEFAULT false,
    is_system boolean DEFAULT false,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: metric_weight_profiles_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.metric_weight_profiles_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: metric_weight_profiles_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.metric_weight_profiles_id_seq OWNED BY public.metric_weight_profiles.id;


--
-- Name: movie_availability_refreshes; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_availability_refreshes (
    id bigint NOT NULL,
    movie_id bigint NOT NULL,
    region character varying(2) NOT NULL,
    source character varying(50) DEFAULT 'tmdb'::character varying NOT NULL,
    status character varying(50) NOT NULL,
    error_reason text,
    tmdb_link text,
    fetched_at timestamp(0) without time zone NOT NULL,
    stale_after timestamp(0) without time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: movie_availability_refreshes_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_availability_refreshes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_availability_refreshes_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_availability_refreshes_id_seq OWNED BY public.movie_availability_refreshes.id;


--
-- Name: movie_credits_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_credits_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_credits_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_credits_id_seq OWNED BY public.movie_credits.id;


--
-- Name: movie_discovery_rankings_mv; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.movie_discovery_rankings_mv AS
 WITH latest_tmdb_metrics AS (
         SELECT DISTINCT ON (external_metrics.movie_id, external_metrics.metric_type) external_metrics.movie_id,
            external_metrics.metric_type,
            external_metrics.value
           FROM public.external_metrics
          WHERE (((external_metrics.source)::text = 'tmdb'::text) AND ((external_metrics.metric_type)::text = ANY ((ARRAY['popularity_score'::character varying, 'rating_votes'::character varying, 'rating_average'::character varying])::text[])))
          ORDER BY external_metrics.movie_id, external_metrics.metric_type, external_metrics.fetched_at DESC NULLS LAST, external_metrics.id DESC
        ), metric_pivot AS (
         SELECT latest_tmdb_metrics.movie_id,
            max(latest_tmdb_metrics.value) FILTER (WHERE ((latest_tmdb_metrics.metric_type)::text = 'popularity_score'::text)) AS popularity_score,
            max(latest_tmdb_metrics.value) FILTER (WHERE ((latest_tmdb_metrics.metric_type)::text = 'rating_votes'::text)) AS rating_votes,
            max(latest_tmdb_metrics.value) FILTER (WHERE ((latest_tmdb_metrics.metric_type)::text = 'rating_average'::text)) AS rating_average
           FROM latest_tmdb_metrics
          GROUP BY latest_tmdb_metrics.movie_id
        ), scored AS (
         SELECT m.id AS movie_id,
            m.release_date,
            m.import_status,
            m.poster_path,
            ((m.poster_path IS NOT NULL) AND ((m.poster_path)::text <> ''::text)) AS has_poster,
            COALESCE((m.release_date <= CURRENT_DATE), false) AS is_released,
            mp.popularity_score,
            mp.rating_average,
            mp.rating_votes,
            COALESCE(exp(GREATEST(('-700.0'::numeric)::double precision, ((('-1.0'::numeric)::double precision * (0.01)::double precision) * GREATEST((0.0)::double precision, ((CURRENT_DATE - COALESCE(m.release_date, CURRENT_DATE)))::double precision)))), (0.5)::double precision) AS recency_component,
            COALESCE((ln((GREATEST(mp.popularity_score, (1.0)::double precision) + (1.0)::double precision)) / (ln(1000.0))::double precision), (0.0)::double precision) AS popularity_component,
            COALESCE((ln((GREATEST(mp.rating_votes, (1.0)::double precision) + (1.0)::double precision)) / (ln(100000.0))::double precision), (0.0)::double precision) AS votes_component,
            COALESCE(
                CASE
                    WHEN ((mp.rating_votes IS NOT NULL) AND (mp.rating_average IS NOT NULL) AND (mp.rating_votes >= (10)::double precision)) THEN (mp.rating_average / (10.0)::double precision)
                    WHEN ((mp.rating_votes IS NOT NULL) AND (mp.rating_average IS NOT NULL)) THEN (0.5)::double precision
                    ELSE NULL::double precision
                END, (0.5)::double precision) AS rating_component,
            CURRENT_DATE AS calculated_for_date,
            (now())::timestamp without time zone AS refreshed_at
           FROM (public.movies m
             LEFT JOIN metric_pivot mp ON ((mp.movie_id = m.id)))
        )
 SELECT scored.movie_id,
    scored.release_date,
    scored.import_status,
    scored.poster_path,
    scored.has_poster,
    scored.is_released,
    scored.popularity_score,
    scored.rating_average,
    scored.rating_votes,
    scored.recency_component,
    scored.popularity_component,
    scored.votes_component,
    scored.rating_component,
    (((((0.35)::double precision * scored.recency_component) + ((0.35)::double precision * scored.popularity_component)) + ((0.20)::double precision * scored.votes_component)) + ((0.10)::double precision * scored.rating_component)) AS default_discovery_score,
        CASE
            WHEN ((scored.rating_votes >= (1000)::double precision) AND (scored.rating_average >= (7.0)::double precision)) THEN 'strong_signal'::text
            WHEN (scored.rating_votes >= (10)::double precision) THEN 'rated'::text
            WHEN (scored.popularity_score IS NOT NULL) THEN 'popular'::text
            ELSE 'limited_signal'::text
        END AS quality_bucket,
    scored.calculated_for_date,
    scored.refreshed_at
   FROM scored
  WITH NO DATA;


--
-- Name: movie_lists; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_lists (
    id bigint NOT NULL,
    source_key character varying(255) NOT NULL,
    name character varying(500) NOT NULL,
    description text,
    source_type character varying(50) NOT NULL,
    source_url text NOT NULL,
    source_id character varying(255),
    category character varying(255),
    active boolean DEFAULT true,
    tracks_awards boolean DEFAULT false,
    last_import_at timestamp(0) without time zone,
    last_import_status character varying(50),
    last_movie_count integer DEFAULT 0,
    total_imports integer DEFAULT 0,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    slug character varying(255),
    short_name character varying(255),
    icon character varying(255),
    display_order integer DEFAULT 0,
    trained_weights jsonb,
    cover_image_url text,
    hero_image_url text,
    active_prediction_model_id bigint
);


--
-- Name: movie_lists_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_lists_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_lists_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_lists_id_seq OWNED BY public.movie_lists.id;


--
-- Name: movie_production_companies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_production_companies (
    movie_id bigint NOT NULL,
    production_company_id bigint NOT NULL
);


--
-- Name: movie_recommendations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_recommendations (
    id bigint NOT NULL,
    source_movie_id bigint NOT NULL,
    recommended_movie_id bigint NOT NULL,
    source character varying(50) NOT NULL,
    type character varying(50) NOT NULL,
    rank integer,
    score double precision,
    metadata jsonb DEFAULT '{}'::jsonb,
    fetched_at timestamp(0) without time zone NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: movie_recommendations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_recommendations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_recommendations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_recommendations_id_seq OWNED BY public.movie_recommendations.id;


--
-- Name: movie_release_dates; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_release_dates (
    id bigint NOT NULL,
    movie_id bigint NOT NULL,
    country_code character varying(2) NOT NULL,
    certification character varying(255),
    release_date timestamp(0) without time zone,
    release_type integer,
    note character varying(255),
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: movie_release_dates_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_release_dates_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_release_dates_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_release_dates_id_seq OWNED BY public.movie_release_dates.id;


--
-- Name: movie_score_caches; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_score_caches (
    id bigint NOT NULL,
    movie_id bigint NOT NULL,
    mob_score double precision,
    critics_score double precision,
    festival_recognition_score double precision,
    time_machine_score double precision,
    auteurs_score double precision,
    box_office_score double precision,
    overall_score double precision,
    score_confidence double precision,
    disparity_score double precision,
    disparity_category character varying(255),
    unpredictability_score double precision,
    calculated_at timestamp(0) without time zone NOT NULL,
    calculation_version character varying(255) DEFAULT '1'::character varying NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    lens_config_hash character varying(255)
);


--
-- Name: movie_score_caches_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_score_caches_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_score_caches_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_score_caches_id_seq OWNED BY public.movie_score_caches.id;


--
-- Name: movie_scoreability_view; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.movie_scoreability_view AS
 WITH score_base AS (
         SELECT m.id AS movie_id,
            m.title,
            m.slug,
            m.release_date,
            msc.overall_score AS raw_cinegraph_score,
            msc.score_confidence AS legacy_score_confidence,
            msc.mob_score,
            msc.critics_score,
            msc.festival_recognition_score,
            msc.time_machine_score,
            msc.auteurs_score,
            msc.box_office_score,
            msc.calculated_at,
            msc.updated_at,
            array_remove(ARRAY[
                CASE
                    WHEN (COALESCE(msc.mob_score, (0)::double precision) > (0)::double precision) THEN 'mob'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.critics_score, (0)::double precision) > (0)::double precision) THEN 'critics'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.festival_recognition_score, (0)::double precision) > (0)::double precision) THEN 'festival_recognition'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.time_machine_score, (0)::double precision) > (0)::double precision) THEN 'time_machine'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.auteurs_score, (0)::double precision) > (0)::double precision) THEN 'auteurs'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.box_office_score, (0)::double precision) > (0)::double precision) THEN 'box_office'::text
                    ELSE NULL::text
                END], NULL::text) AS present_lens_labels,
            array_remove(ARRAY[
                CASE
                    WHEN (COALESCE(msc.mob_score, (0)::double precision) <= (0)::double precision) THEN 'mob'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.critics_score, (0)::double precision) <= (0)::double precision) THEN 'critics'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.festival_recognition_score, (0)::double precision) <= (0)::double precision) THEN 'festival_recognition'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.time_machine_score, (0)::double precision) <= (0)::double precision) THEN 'time_machine'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.auteurs_score, (0)::double precision) <= (0)::double precision) THEN 'auteurs'::text
                    ELSE NULL::text
                END,
                CASE
                    WHEN (COALESCE(msc.box_office_score, (0)::double precision) <= (0)::double precision) THEN 'box_office'::text
                    ELSE NULL::text
                END], NULL::text) AS missing_lens_labels
           FROM (public.movies m
             LEFT JOIN public.movie_score_caches msc ON ((msc.movie_id = m.id)))
        ), scored AS (
         SELECT score_base.movie_id,
            score_base.title,
            score_base.slug,
            score_base.release_date,
            score_base.raw_cinegraph_score,
            score_base.legacy_score_confidence,
            score_base.mob_score,
            score_base.critics_score,
            score_base.festival_recognition_score,
            score_base.time_machine_score,
            score_base.auteurs_score,
            score_base.box_office_score,
            score_base.calculated_at,
            score_base.updated_at,
            score_base.present_lens_labels,
            score_base.missing_lens_labels,
            cardinality(score_base.present_lens_labels) AS present_lens_count,
            cardinality(score_base.missing_lens_labels) AS missing_lens_count,
            (round(((cardinality(score_base.present_lens_labels))::numeric / 6.0), 3))::double precision AS evidence_confidence,
            NULL::double precision AS cohort_percentile
           FROM score_base
        )
 SELECT scored.movie_id,
    scored.title,
    scored.slug,
    scored.release_date,
    scored.raw_cinegraph_score,
    scored.legacy_score_confidence,
    scored.mob_score,
    scored.critics_score,
    scored.festival_recognition_score,
    scored.time_machine_score,
    scored.auteurs_score,
    scored.box_office_score,
    scored.calculated_at,
    scored.updated_at,
    scored.present_lens_labels,
    scored.missing_lens_labels,
    scored.present_lens_count,
    scored.missing_lens_count,
    scored.evidence_confidence,
    scored.cohort_percentile,
        CASE
            WHEN (scored.raw_cinegraph_score IS NULL) THEN 'insufficient_evidence'::text
            WHEN (scored.present_lens_count >= 4) THEN 'scoreable'::text
            WHEN (scored.present_lens_count >= 2) THEN 'limited'::text
            ELSE 'insufficient_evidence'::text
        END AS scoreability_state,
        CASE
            WHEN ((scored.raw_cinegraph_score IS NULL) OR (scored.present_lens_count <= 1)) THEN 'insufficient'::text
            WHEN ((scored.evidence_confidence >= (0.70)::double precision) OR (scored.present_lens_count >= 5)) THEN 'high'::text
            WHEN ((scored.evidence_confidence >= (0.35)::double precision) OR (scored.present_lens_count >= 3)) THEN 'medium'::text
            ELSE 'low'::text
        END AS score_confidence_label,
        CASE
            WHEN ((scored.raw_cinegraph_score IS NOT NULL) AND (scored.present_lens_count >= 2)) THEN scored.raw_cinegraph_score
            ELSE NULL::double precision
        END AS cinegraph_display_score,
        CASE
            WHEN ((scored.raw_cinegraph_score IS NOT NULL) AND (scored.present_lens_count >= 2)) THEN (((scored.raw_cinegraph_score)::numeric)::double precision * scored.evidence_confidence)
            ELSE NULL::double precision
        END AS cinegraph_sort_score,
        CASE
            WHEN (scored.raw_cinegraph_score IS NULL) THEN 'no_score_cache'::text
            WHEN (scored.present_lens_count <= 1) THEN 'not_enough_evidence'::text
            ELSE 'none'::text
        END AS score_hidden_reason,
        CASE
            WHEN ((scored.raw_cinegraph_score IS NULL) OR (scored.present_lens_count <= 1)) THEN 'Not enough evidence yet'::text
            WHEN ((scored.present_lens_count >= 2) AND (scored.present_lens_count <= 3)) THEN 'Limited confidence'::text
            WHEN ((scored.evidence_confidence >= (0.70)::double precision) OR (scored.present_lens_count >= 5)) THEN 'High confidence'::text
            ELSE 'Medium confidence'::text
        END AS score_explanation_short,
        CASE
            WHEN (scored.raw_cinegraph_score IS NULL) THEN 'No CineGraph score cache is available for this movie yet.'::text
            WHEN (scored.present_lens_count <= 1) THEN 'CineGraph needs at least 2 independent evidence lenses before showing a fair numeric score.'::text
            WHEN ((scored.present_lens_count >= 2) AND (scored.present_lens_count <= 3)) THEN 'This score is based on limited evidence and may move as more lenses become available.'::text
            ELSE 'This movie has enough independent evidence for a CineGraph score.'::text
        END AS score_explanation_detail
   FROM scored;


--
-- Name: movie_spoken_languages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_spoken_languages (
    movie_id bigint NOT NULL,
    spoken_language_id bigint NOT NULL
);


--
-- Name: movie_videos_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_videos_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_videos_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_videos_id_seq OWNED BY public.movie_videos.id;


--
-- Name: movie_watch_providers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.movie_watch_providers (
    id bigint NOT NULL,
    movie_id bigint NOT NULL,
    watch_provider_id bigint NOT NULL,
    region character varying(2) NOT NULL,
    monetization_type character varying(50) NOT NULL,
    display_priority integer,
    tmdb_link text,
    source character varying(50) DEFAULT 'tmdb'::character varying NOT NULL,
    fetched_at timestamp(0) without time zone NOT NULL,
    stale_after timestamp(0) without time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: movie_watch_providers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movie_watch_providers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movie_watch_providers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movie_watch_providers_id_seq OWNED BY public.movie_watch_providers.id;


--
-- Name: movies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.movies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: movies_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.movies_id_seq OWNED BY public.movies.id;


--
-- Name: movies_with_metrics; Type: VIEW; Schema: public; Owner: -
--

CREATE VIEW public.movies_with_metrics AS
 SELECT m.id,
    m.tmdb_id,
    m.imdb_id,
    m.title,
    m.original_title,
    m.overview,
    m.release_date,
    m.runtime,
    m.status,
    m.tagline,
    m.homepage,
    m.original_language,
    m.adult,
    m.backdrop_path,
    m.poster_path,
    m.collection_id,
    m.tmdb_data,
    m.omdb_data,
    m.origin_country,
    m.inserted_at,
    m.updated_at,
    m.import_status,
    m.canonical_sources,
    ( SELECT external_metrics.value
           FROM public.external_metrics
          WHERE ((external_metrics.movie_id = m.id) AND ((external_metrics.source)::text = 'tmdb'::text) AND ((external_metrics.metric_type)::text = 'rating_average'::text))
          ORDER BY external_metrics.fetched_at DESC
         LIMIT 1) AS vote_average,
    ( SELECT external_metrics.value
           FROM public.external_metrics
          WHERE ((external_metrics.movie_id = m.id) AND ((external_metrics.source)::text = 'tmdb'::text) AND ((external_metrics.metric_type)::text = 'rating_votes'::text))
          ORDER BY external_metrics.fetched_at DESC
         LIMIT 1) AS vote_count,
    ( SELECT external_metrics.value
           FROM public.external_metrics
          WHERE ((external_metrics.movie_id = m.id) AND ((external_metrics.source)::text = 'tmdb'::text) AND ((external_metrics.metric_type)::text = 'popularity_score'::text))
          ORDER BY external_metrics.fetched_at DESC
         LIMIT 1) AS popularity,
    ( SELECT external_metrics.value
           FROM public.external_metrics
          WHERE ((external_metrics.movie_id = m.id) AND ((external_metrics.source)::text = 'tmdb'::text) AND ((external_metrics.metric_type)::text = 'budget'::text))
          ORDER BY external_metrics.fetched_at DESC
         LIMIT 1) AS budget,
    ( SELECT external_metrics.value
           FROM public.external_metrics
          WHERE ((external_metrics.movie_id = m.id) AND ((external_metrics.source)::text = 'tmdb'::text) AND ((external_metrics.metric_type)::text = 'revenue_worldwide'::text))
          ORDER BY external_metrics.fetched_at DESC
         LIMIT 1) AS revenue,
    ( SELECT external_metrics.value
           FROM public.external_metrics
          WHERE ((external_metrics.movie_id = m.id) AND ((external_metrics.source)::text = 'omdb'::text) AND ((external_metrics.metric_type)::text = 'revenue_domestic'::text))
          ORDER BY external_metrics.fetched_at DESC
         LIMIT 1) AS box_office_domestic,
    ( SELECT external_metrics.text_value
           FROM public.external_metrics
          WHERE ((external_metrics.movie_id = m.id) AND ((external_metrics.source)::text = 'omdb'::text) AND ((external_metrics.metric_type)::text = 'awards_summary'::text))
          ORDER BY external_metrics.fetched_at DESC
         LIMIT 1) AS awards_text
   FROM public.movies m;


--
-- Name: oban_jobs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.oban_jobs (
    id bigint NOT NULL,
    state public.oban_job_state DEFAULT 'available'::public.oban_job_state NOT NULL,
    queue text DEFAULT 'default'::text NOT NULL,
    worker text NOT NULL,
    args jsonb DEFAULT '{}'::jsonb NOT NULL,
    errors jsonb[] DEFAULT ARRAY[]::jsonb[] NOT NULL,
    attempt integer DEFAULT 0 NOT NULL,
    max_attempts integer DEFAULT 20 NOT NULL,
    inserted_at timestamp without time zone DEFAULT timezone('UTC'::text, now()) NOT NULL,
    scheduled_at timestamp without time zone DEFAULT timezone('UTC'::text, now()) NOT NULL,
    attempted_at timestamp without time zone,
    completed_at timestamp without time zone,
    attempted_by text[],
    discarded_at timestamp without time zone,
    priority integer DEFAULT 0 NOT NULL,
    tags text[] DEFAULT ARRAY[]::text[],
    meta jsonb DEFAULT '{}'::jsonb,
    cancelled_at timestamp without time zone,
    CONSTRAINT attempt_range CHECK (((attempt >= 0) AND (attempt <= max_attempts))),
    CONSTRAINT positive_max_attempts CHECK ((max_attempts > 0)),
    CONSTRAINT queue_length CHECK (((char_length(queue) > 0) AND (char_length(queue) < 128))),
    CONSTRAINT worker_length CHECK (((char_length(worker) > 0) AND (char_length(worker) < 128)))
);


--
-- Name: TABLE oban_jobs; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON TABLE public.oban_jobs IS '14';


--
-- Name: oban_jobs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.oban_jobs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: oban_jobs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.oban_jobs_id_seq OWNED BY public.oban_jobs.id;


--
-- Name: oban_peers; Type: TABLE; Schema: public; Owner: -
--

CREATE UNLOGGED TABLE public.oban_peers (
    name text NOT NULL,
    node text NOT NULL,
    started_at timestamp without time zone NOT NULL,
    expires_at timestamp without time zone NOT NULL
);


--
-- Name: people; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.people (
    id bigint NOT NULL,
    tmdb_id integer NOT NULL,
    imdb_id character varying(255),
    name character varying(255) NOT NULL,
    biography text,
    birthday date,
    deathday date,
    place_of_birth character varying(255),
    profile_path character varying(255),
    known_for_department character varying(255),
    gender integer,
    popularity double precision,
    adult boolean DEFAULT false,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    slug character varying(255)
);


--
-- Name: people_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.people_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: people_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.people_id_seq OWNED BY public.people.id;


--
-- Name: person_collaboration_trends; Type: MATERIALIZED VIEW; Schema: public; Owner: -
--

CREATE MATERIALIZED VIEW public.person_collaboration_trends AS
 WITH collab_pairs AS (
         SELECT cd.year,
            c.person_a_id AS person_id,
            c.person_b_id AS collaborator_id,
            cd.movie_id,
            cd.movie_rating,
            cd.movie_revenue
           FROM (public.collaborations c
             JOIN public.collaboration_details cd ON ((c.id = cd.collaboration_id)))
          WHERE (cd.year IS NOT NULL)
        UNION ALL
         SELECT cd.year,
            c.person_b_id AS person_id,
            c.person_a_id AS collaborator_id,
            cd.movie_id,
            cd.movie_rating,
            cd.movie_revenue
           FROM (public.collaborations c
             JOIN public.collaboration_details cd ON ((c.id = cd.collaboration_id)))
          WHERE (cd.year IS NOT NULL)
        ), person_year_movies AS (
         SELECT collab_pairs.person_id,
            collab_pairs.year,
            collab_pairs.movie_id,
            max(collab_pairs.movie_rating) AS movie_rating,
            max(collab_pairs.movie_revenue) AS movie_revenue
           FROM collab_pairs
          GROUP BY collab_pairs.person_id, collab_pairs.year, collab_pairs.movie_id
        ), movie_stats AS (
         SELECT person_year_movies.person_id,
            person_year_movies.year,
            count(*) AS total_collaborations,
            (avg(person_year_movies.movie_rating))::numeric(3,1) AS avg_rating,
            sum(person_year_movies.movie_revenue) AS total_revenue
           FROM person_year_movies
          GROUP BY person_year_movies.person_id, person_year_movies.year
        ), collaborator_stats AS (
         SELECT collab_pairs.person_id,
            collab_pairs.year,
            count(DISTINCT collab_pairs.collaborator_id) AS unique_collaborators
           FROM collab_pairs
          GROUP BY collab_pairs.person_id, collab_pairs.year
        ), genre_stats AS (
         SELECT pym.person_id,
            pym.year,
            array_agg(DISTINCT mg.genre_id ORDER BY mg.genre_id) FILTER (WHERE (mg.genre_id IS NOT NULL)) AS genre_ids
           FROM (person_year_movies pym
             JOIN public.movie_genres mg ON ((mg.movie_id = pym.movie_id)))
          GROUP BY pym.person_id, pym.year
        ), first_seen AS (
         SELECT collab_pairs.person_id,
            collab_pairs.collaborator_id,
            min(collab_pairs.year) AS first_year
           FROM collab_pairs
          GROUP BY collab_pairs.person_id, collab_pairs.collaborator_id
        ), new_collab_counts AS (
         SELECT first_seen.person_id,
            first_seen.first_year AS year,
            count(*) AS new_collaborators
           FROM first_seen
          GROUP BY first_seen.person_id, first_seen.first_year
        )
 SELECT cs.person_id,
    cs.year,
    cs.unique_collaborators,
    COALESCE(ncc.new_collaborators, (0)::bigint) AS new_collaborators,
    ms.total_collaborations,
    ms.avg_rating,
    ms.total_revenue,
    COALESCE(gs.genre_ids, (ARRAY[]::integer[])::bigint[]) AS genre_ids
   FROM (((collaborator_stats cs
     JOIN movie_stats ms ON (((ms.person_id = cs.person_id) AND (ms.year = cs.year))))
     LEFT JOIN genre_stats gs ON (((gs.person_id = cs.person_id) AND (gs.year = cs.year))))
     LEFT JOIN new_collab_counts ncc ON (((ncc.person_id = cs.person_id) AND (ncc.year = cs.year))))
  WITH NO DATA;


--
-- Name: person_metrics_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.person_metrics_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: person_metrics_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.person_metrics_id_seq OWNED BY public.person_metrics.id;


--
-- Name: prediction_cache; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prediction_cache (
    id bigint NOT NULL,
    decade integer NOT NULL,
    profile_id bigint NOT NULL,
    movie_scores jsonb DEFAULT '{}'::jsonb,
    statistics jsonb DEFAULT '{}'::jsonb,
    calculated_at timestamp(0) without time zone NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    CONSTRAINT prediction_cache_decade_check CHECK ((decade = ANY (ARRAY[1920, 1930, 1940, 1950, 1960, 1970, 1980, 1990, 2000, 2010, 2020])))
);


--
-- Name: prediction_cache_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.prediction_cache_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: prediction_cache_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.prediction_cache_id_seq OWNED BY public.prediction_cache.id;


--
-- Name: prediction_experiments; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prediction_experiments (
    id bigint NOT NULL,
    source_key character varying(255) NOT NULL,
    model_class character varying(255) NOT NULL,
    backtest_strategy character varying(255),
    feature_bucket character varying(255),
    granularity character varying(255),
    seed integer,
    weights jsonb DEFAULT '{}'::jsonb,
    metrics jsonb DEFAULT '{}'::jsonb,
    grade character varying(255),
    status character varying(255) DEFAULT 'ok'::character varying NOT NULL,
    error text,
    holdout_spent boolean DEFAULT false NOT NULL,
    code_version character varying(255),
    run_at timestamp(0) without time zone,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    duration_ms integer,
    run_id character varying(255),
    n_evaluated integer
);


--
-- Name: prediction_experiments_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.prediction_experiments_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: prediction_experiments_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.prediction_experiments_id_seq OWNED BY public.prediction_experiments.id;


--
-- Name: prediction_models; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prediction_models (
    id bigint NOT NULL,
    source_key character varying(255) NOT NULL,
    feature_set jsonb DEFAULT '{}'::jsonb NOT NULL,
    weights jsonb DEFAULT '{}'::jsonb NOT NULL,
    weights_hash character varying(255) NOT NULL,
    model_version integer DEFAULT 1 NOT NULL,
    lens_config_hash character varying(255),
    is_stale boolean DEFAULT false NOT NULL,
    backtest_strategy character varying(255),
    metrics jsonb DEFAULT '{}'::jsonb,
    calibration jsonb DEFAULT '{}'::jsonb,
    integrity_report jsonb DEFAULT '{}'::jsonb,
    holdout_spent_at timestamp(0) without time zone,
    prereg_id bigint NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    model_class character varying(255) DEFAULT 'linear_logreg'::character varying NOT NULL,
    serialized_model jsonb,
    run_id character varying(255)
);


--
-- Name: prediction_models_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.prediction_models_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: prediction_models_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.prediction_models_id_seq OWNED BY public.prediction_models.id;


--
-- Name: prediction_pre_registrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prediction_pre_registrations (
    id bigint NOT NULL,
    source_key character varying(255) NOT NULL,
    expected_top_features jsonb DEFAULT '{}'::jsonb NOT NULL,
    expected_accuracy_range jsonb DEFAULT '{}'::jsonb NOT NULL,
    failure_threshold text,
    notes text,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: prediction_pre_registrations_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.prediction_pre_registrations_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: prediction_pre_registrations_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.prediction_pre_registrations_id_seq OWNED BY public.prediction_pre_registrations.id;


--
-- Name: prediction_runs; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.prediction_runs (
    id bigint NOT NULL,
    run_id character varying(255) NOT NULL,
    kind character varying(255) NOT NULL,
    status character varying(255) DEFAULT 'running'::character varying NOT NULL,
    params jsonb DEFAULT '{}'::jsonb,
    total_cells integer,
    completed_cells integer DEFAULT 0 NOT NULL,
    failed_cells integer DEFAULT 0 NOT NULL,
    current_cell character varying(255),
    error character varying(255),
    node character varying(255),
    code_version character varying(255),
    started_at timestamp(0) without time zone,
    finished_at timestamp(0) without time zone,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: prediction_runs_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.prediction_runs_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: prediction_runs_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.prediction_runs_id_seq OWNED BY public.prediction_runs.id;


--
-- Name: production_companies; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.production_companies (
    id bigint NOT NULL,
    tmdb_id integer NOT NULL,
    name character varying(255) NOT NULL,
    logo_path character varying(255),
    origin_country character varying(255),
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL,
    slug character varying(255),
    description text,
    website text,
    logo_url text,
    hero_image_url text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL
);


--
-- Name: production_companies_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.production_companies_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: production_companies_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.production_companies_id_seq OWNED BY public.production_companies.id;


--
-- Name: production_countries; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.production_countries (
    id bigint NOT NULL,
    iso_3166_1 character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: production_countries_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.production_countries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: production_countries_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.production_countries_id_seq OWNED BY public.production_countries.id;


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version bigint NOT NULL,
    inserted_at timestamp(0) without time zone
);


--
-- Name: spoken_languages; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.spoken_languages (
    id bigint NOT NULL,
    iso_639_1 character varying(255) NOT NULL,
    name character varying(255) NOT NULL,
    english_name character varying(255),
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: spoken_languages_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.spoken_languages_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: spoken_languages_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.spoken_languages_id_seq OWNED BY public.spoken_languages.id;


--
-- Name: users; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.users (
    id bigint NOT NULL,
    email public.citext NOT NULL,
    name character varying(255),
    avatar_url character varying(255),
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: users_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: users_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.users_id_seq OWNED BY public.users.id;


--
-- Name: watch_provider_regions; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.watch_provider_regions (
    id bigint NOT NULL,
    iso_3166_1 character varying(2) NOT NULL,
    english_name character varying(255) NOT NULL,
    native_name character varying(255),
    source character varying(50) DEFAULT 'tmdb'::character varying NOT NULL,
    active boolean DEFAULT true NOT NULL,
    last_seen_at timestamp(0) without time zone,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: watch_provider_regions_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.watch_provider_regions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: watch_provider_regions_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.watch_provider_regions_id_seq OWNED BY public.watch_provider_regions.id;


--
-- Name: watch_providers; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.watch_providers (
    id bigint NOT NULL,
    source character varying(50) DEFAULT 'tmdb'::character varying NOT NULL,
    source_provider_id character varying(100) NOT NULL,
    tmdb_provider_id integer,
    name character varying(255) NOT NULL,
    logo_path character varying(255),
    display_priorities jsonb DEFAULT '{}'::jsonb,
    active boolean DEFAULT true NOT NULL,
    last_seen_at timestamp(0) without time zone,
    metadata jsonb DEFAULT '{}'::jsonb,
    inserted_at timestamp(0) without time zone NOT NULL,
    updated_at timestamp(0) without time zone NOT NULL
);


--
-- Name: watch_providers_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.watch_providers_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: watch_providers_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.watch_providers_id_seq OWNED BY public.watch_providers.id;


--
-- Name: api_lookup_metrics id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_lookup_metrics ALTER COLUMN id SET DEFAULT nextval('public.api_lookup_metrics_id_seq'::regclass);


--
-- Name: collaboration_details id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaboration_details ALTER COLUMN id SET DEFAULT nextval('public.collaboration_details_id_seq'::regclass);


--
-- Name: collaborations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaborations ALTER COLUMN id SET DEFAULT nextval('public.collaborations_id_seq'::regclass);


--
-- Name: collections id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collections ALTER COLUMN id SET DEFAULT nextval('public.collections_id_seq'::regclass);


--
-- Name: data_refreshes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.data_refreshes ALTER COLUMN id SET DEFAULT nextval('public.data_refreshes_id_seq'::regclass);


--
-- Name: external_metrics id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.external_metrics ALTER COLUMN id SET DEFAULT nextval('public.external_metrics_id_seq'::regclass);


--
-- Name: festival_categories id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_categories ALTER COLUMN id SET DEFAULT nextval('public.festival_categories_id_seq'::regclass);


--
-- Name: festival_ceremonies id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_ceremonies ALTER COLUMN id SET DEFAULT nextval('public.festival_ceremonies_id_seq'::regclass);


--
-- Name: festival_dates id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_dates ALTER COLUMN id SET DEFAULT nextval('public.festival_dates_id_seq'::regclass);


--
-- Name: festival_events id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_events ALTER COLUMN id SET DEFAULT nextval('public.festival_events_id_seq'::regclass);


--
-- Name: festival_nominations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_nominations ALTER COLUMN id SET DEFAULT nextval('public.festival_nominations_id_seq'::regclass);


--
-- Name: festival_organizations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_organizations ALTER COLUMN id SET DEFAULT nextval('public.festival_organizations_id_seq'::regclass);


--
-- Name: genres id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.genres ALTER COLUMN id SET DEFAULT nextval('public.genres_id_seq'::regclass);


--
-- Name: keywords id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.keywords ALTER COLUMN id SET DEFAULT nextval('public.keywords_id_seq'::regclass);


--
-- Name: metric_definitions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metric_definitions ALTER COLUMN id SET DEFAULT nextval('public.metric_definitions_id_seq'::regclass);


--
-- Name: metric_weight_profiles id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metric_weight_profiles ALTER COLUMN id SET DEFAULT nextval('public.metric_weight_profiles_id_seq'::regclass);


--
-- Name: movie_availability_refreshes id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_availability_refreshes ALTER COLUMN id SET DEFAULT nextval('public.movie_availability_refreshes_id_seq'::regclass);


--
-- Name: movie_credits id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_credits ALTER COLUMN id SET DEFAULT nextval('public.movie_credits_id_seq'::regclass);


--
-- Name: movie_lists id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_lists ALTER COLUMN id SET DEFAULT nextval('public.movie_lists_id_seq'::regclass);


--
-- Name: movie_recommendations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_recommendations ALTER COLUMN id SET DEFAULT nextval('public.movie_recommendations_id_seq'::regclass);


--
-- Name: movie_release_dates id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_release_dates ALTER COLUMN id SET DEFAULT nextval('public.movie_release_dates_id_seq'::regclass);


--
-- Name: movie_score_caches id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_score_caches ALTER COLUMN id SET DEFAULT nextval('public.movie_score_caches_id_seq'::regclass);


--
-- Name: movie_videos id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_videos ALTER COLUMN id SET DEFAULT nextval('public.movie_videos_id_seq'::regclass);


--
-- Name: movie_watch_providers id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_watch_providers ALTER COLUMN id SET DEFAULT nextval('public.movie_watch_providers_id_seq'::regclass);


--
-- Name: movies id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movies ALTER COLUMN id SET DEFAULT nextval('public.movies_id_seq'::regclass);


--
-- Name: oban_jobs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oban_jobs ALTER COLUMN id SET DEFAULT nextval('public.oban_jobs_id_seq'::regclass);


--
-- Name: people id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people ALTER COLUMN id SET DEFAULT nextval('public.people_id_seq'::regclass);


--
-- Name: person_metrics id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.person_metrics ALTER COLUMN id SET DEFAULT nextval('public.person_metrics_id_seq'::regclass);


--
-- Name: prediction_cache id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_cache ALTER COLUMN id SET DEFAULT nextval('public.prediction_cache_id_seq'::regclass);


--
-- Name: prediction_experiments id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_experiments ALTER COLUMN id SET DEFAULT nextval('public.prediction_experiments_id_seq'::regclass);


--
-- Name: prediction_models id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_models ALTER COLUMN id SET DEFAULT nextval('public.prediction_models_id_seq'::regclass);


--
-- Name: prediction_pre_registrations id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_pre_registrations ALTER COLUMN id SET DEFAULT nextval('public.prediction_pre_registrations_id_seq'::regclass);


--
-- Name: prediction_runs id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_runs ALTER COLUMN id SET DEFAULT nextval('public.prediction_runs_id_seq'::regclass);


--
-- Name: production_companies id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.production_companies ALTER COLUMN id SET DEFAULT nextval('public.production_companies_id_seq'::regclass);


--
-- Name: production_countries id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.production_countries ALTER COLUMN id SET DEFAULT nextval('public.production_countries_id_seq'::regclass);


--
-- Name: spoken_languages id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spoken_languages ALTER COLUMN id SET DEFAULT nextval('public.spoken_languages_id_seq'::regclass);


--
-- Name: users id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);


--
-- Name: watch_provider_regions id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.watch_provider_regions ALTER COLUMN id SET DEFAULT nextval('public.watch_provider_regions_id_seq'::regclass);


--
-- Name: watch_providers id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.watch_providers ALTER COLUMN id SET DEFAULT nextval('public.watch_providers_id_seq'::regclass);


--
-- Name: api_lookup_metrics api_lookup_metrics_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.api_lookup_metrics
    ADD CONSTRAINT api_lookup_metrics_pkey PRIMARY KEY (id);


--
-- Name: collaboration_details collaboration_details_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaboration_details
    ADD CONSTRAINT collaboration_details_pkey PRIMARY KEY (id);


--
-- Name: collaborations collaborations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaborations
    ADD CONSTRAINT collaborations_pkey PRIMARY KEY (id);


--
-- Name: collections collections_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collections
    ADD CONSTRAINT collections_pkey PRIMARY KEY (id);


--
-- Name: completeness_log completeness_log_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.completeness_log
    ADD CONSTRAINT completeness_log_pkey PRIMARY KEY (captured_on);


--
-- Name: data_refreshes data_refreshes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.data_refreshes
    ADD CONSTRAINT data_refreshes_pkey PRIMARY KEY (id);


--
-- Name: external_metrics external_metrics_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.external_metrics
    ADD CONSTRAINT external_metrics_pkey PRIMARY KEY (id);


--
-- Name: festival_categories festival_categories_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_categories
    ADD CONSTRAINT festival_categories_pkey PRIMARY KEY (id);


--
-- Name: festival_ceremonies festival_ceremonies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_ceremonies
    ADD CONSTRAINT festival_ceremonies_pkey PRIMARY KEY (id);


--
-- Name: festival_dates festival_dates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_dates
    ADD CONSTRAINT festival_dates_pkey PRIMARY KEY (id);


--
-- Name: festival_events festival_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_events
    ADD CONSTRAINT festival_events_pkey PRIMARY KEY (id);


--
-- Name: festival_nominations festival_nominations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_nominations
    ADD CONSTRAINT festival_nominations_pkey PRIMARY KEY (id);


--
-- Name: festival_organizations festival_organizations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_organizations
    ADD CONSTRAINT festival_organizations_pkey PRIMARY KEY (id);


--
-- Name: genres genres_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.genres
    ADD CONSTRAINT genres_pkey PRIMARY KEY (id);


--
-- Name: keywords keywords_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.keywords
    ADD CONSTRAINT keywords_pkey PRIMARY KEY (id);


--
-- Name: metric_definitions metric_definitions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metric_definitions
    ADD CONSTRAINT metric_definitions_pkey PRIMARY KEY (id);


--
-- Name: metric_weight_profiles metric_weight_profiles_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.metric_weight_profiles
    ADD CONSTRAINT metric_weight_profiles_pkey PRIMARY KEY (id);


--
-- Name: movie_availability_refreshes movie_availability_refreshes_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_availability_refreshes
    ADD CONSTRAINT movie_availability_refreshes_pkey PRIMARY KEY (id);


--
-- Name: movie_credits movie_credits_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_credits
    ADD CONSTRAINT movie_credits_pkey PRIMARY KEY (id);


--
-- Name: movie_lists movie_lists_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_lists
    ADD CONSTRAINT movie_lists_pkey PRIMARY KEY (id);


--
-- Name: movie_recommendations movie_recommendations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_recommendations
    ADD CONSTRAINT movie_recommendations_pkey PRIMARY KEY (id);


--
-- Name: movie_release_dates movie_release_dates_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_release_dates
    ADD CONSTRAINT movie_release_dates_pkey PRIMARY KEY (id);


--
-- Name: movie_score_caches movie_score_caches_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_score_caches
    ADD CONSTRAINT movie_score_caches_pkey PRIMARY KEY (id);


--
-- Name: movie_videos movie_videos_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_videos
    ADD CONSTRAINT movie_videos_pkey PRIMARY KEY (id);


--
-- Name: movie_watch_providers movie_watch_providers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_watch_providers
    ADD CONSTRAINT movie_watch_providers_pkey PRIMARY KEY (id);


--
-- Name: movies movies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movies
    ADD CONSTRAINT movies_pkey PRIMARY KEY (id);


--
-- Name: oban_jobs non_negative_priority; Type: CHECK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE public.oban_jobs
    ADD CONSTRAINT non_negative_priority CHECK ((priority >= 0)) NOT VALID;


--
-- Name: oban_jobs oban_jobs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oban_jobs
    ADD CONSTRAINT oban_jobs_pkey PRIMARY KEY (id);


--
-- Name: oban_peers oban_peers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.oban_peers
    ADD CONSTRAINT oban_peers_pkey PRIMARY KEY (name);


--
-- Name: people people_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.people
    ADD CONSTRAINT people_pkey PRIMARY KEY (id);


--
-- Name: person_metrics person_metrics_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.person_metrics
    ADD CONSTRAINT person_metrics_pkey PRIMARY KEY (id);


--
-- Name: prediction_cache prediction_cache_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_cache
    ADD CONSTRAINT prediction_cache_pkey PRIMARY KEY (id);


--
-- Name: prediction_experiments prediction_experiments_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_experiments
    ADD CONSTRAINT prediction_experiments_pkey PRIMARY KEY (id);


--
-- Name: prediction_models prediction_models_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_models
    ADD CONSTRAINT prediction_models_pkey PRIMARY KEY (id);


--
-- Name: prediction_pre_registrations prediction_pre_registrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_pre_registrations
    ADD CONSTRAINT prediction_pre_registrations_pkey PRIMARY KEY (id);


--
-- Name: prediction_runs prediction_runs_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_runs
    ADD CONSTRAINT prediction_runs_pkey PRIMARY KEY (id);


--
-- Name: production_companies production_companies_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.production_companies
    ADD CONSTRAINT production_companies_pkey PRIMARY KEY (id);


--
-- Name: production_countries production_countries_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.production_countries
    ADD CONSTRAINT production_countries_pkey PRIMARY KEY (id);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: spoken_languages spoken_languages_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.spoken_languages
    ADD CONSTRAINT spoken_languages_pkey PRIMARY KEY (id);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: watch_provider_regions watch_provider_regions_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.watch_provider_regions
    ADD CONSTRAINT watch_provider_regions_pkey PRIMARY KEY (id);


--
-- Name: watch_providers watch_providers_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.watch_providers
    ADD CONSTRAINT watch_providers_pkey PRIMARY KEY (id);


--
-- Name: api_lookup_metrics_import_state_cleanup_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_lookup_metrics_import_state_cleanup_idx ON public.api_lookup_metrics USING btree (operation, source, target_identifier, id) WHERE ((operation)::text = 'import_state'::text);


--
-- Name: INDEX api_lookup_metrics_import_state_cleanup_idx; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.api_lookup_metrics_import_state_cleanup_idx IS 'Optimized index for import_state cleanup queries';


--
-- Name: api_lookup_metrics_import_state_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_lookup_metrics_import_state_idx ON public.api_lookup_metrics USING btree (source, operation, success, inserted_at) WHERE (((operation)::text = 'import_state'::text) AND (success = true));


--
-- Name: INDEX api_lookup_metrics_import_state_idx; Type: COMMENT; Schema: public; Owner: -
--

COMMENT ON INDEX public.api_lookup_metrics_import_state_idx IS 'Optimized index for import_state queries';


--
-- Name: api_lookup_metrics_inserted_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_lookup_metrics_inserted_at_index ON public.api_lookup_metrics USING btree (inserted_at);


--
-- Name: api_lookup_metrics_source_operation_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX api_lookup_metrics_source_operation_index ON public.api_lookup_metrics USING btree (source, operation);


--
-- Name: collaboration_details_collaboration_id_movie_id_collaboration_t; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX collaboration_details_collaboration_id_movie_id_collaboration_t ON public.collaboration_details USING btree (collaboration_id, movie_id, collaboration_type);


--
-- Name: collaboration_details_collaboration_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collaboration_details_collaboration_type_index ON public.collaboration_details USING btree (collaboration_type);


--
-- Name: collaboration_details_movie_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collaboration_details_movie_id_index ON public.collaboration_details USING btree (movie_id);


--
-- Name: collaborations_collaboration_count_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collaborations_collaboration_count_index ON public.collaborations USING btree (collaboration_count);


--
-- Name: collaborations_first_collaboration_date_latest_collaboration_da; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collaborations_first_collaboration_date_latest_collaboration_da ON public.collaborations USING btree (first_collaboration_date, latest_collaboration_date);


--
-- Name: collaborations_person_a_id_person_b_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX collaborations_person_a_id_person_b_id_index ON public.collaborations USING btree (person_a_id, person_b_id);


--
-- Name: collaborations_person_b_id_person_a_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collaborations_person_b_id_person_a_id_index ON public.collaborations USING btree (person_b_id, person_a_id);


--
-- Name: collaborations_total_revenue_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collaborations_total_revenue_index ON public.collaborations USING btree (total_revenue) WHERE (total_revenue > 0);


--
-- Name: collections_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX collections_name_index ON public.collections USING btree (name);


--
-- Name: collections_tmdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX collections_tmdb_id_index ON public.collections USING btree (tmdb_id);


--
-- Name: data_refreshes_entity_type_entity_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX data_refreshes_entity_type_entity_id_index ON public.data_refreshes USING btree (entity_type, entity_id);


--
-- Name: data_refreshes_source_stale_after_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX data_refreshes_source_stale_after_index ON public.data_refreshes USING btree (source, stale_after);


--
-- Name: data_refreshes_source_status_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX data_refreshes_source_status_index ON public.data_refreshes USING btree (source, status);


--
-- Name: data_refreshes_unique_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX data_refreshes_unique_idx ON public.data_refreshes USING btree (entity_type, entity_id, source);


--
-- Name: external_metrics_fetched_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX external_metrics_fetched_at_index ON public.external_metrics USING btree (fetched_at);


--
-- Name: external_metrics_movie_source_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX external_metrics_movie_source_type_index ON public.external_metrics USING btree (movie_id, source, metric_type);


--
-- Name: external_metrics_source_metric_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX external_metrics_source_metric_type_index ON public.external_metrics USING btree (source, metric_type);


--
-- Name: festival_categories_category_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_categories_category_type_index ON public.festival_categories USING btree (category_type);


--
-- Name: festival_categories_organization_id_category_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_categories_organization_id_category_type_index ON public.festival_categories USING btree (organization_id, category_type);


--
-- Name: festival_categories_organization_id_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX festival_categories_organization_id_name_index ON public.festival_categories USING btree (organization_id, name);


--
-- Name: festival_categories_tracks_person_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_categories_tracks_person_index ON public.festival_categories USING btree (tracks_person);


--
-- Name: festival_ceremonies_data_source_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_ceremonies_data_source_index ON public.festival_ceremonies USING btree (data_source);


--
-- Name: festival_ceremonies_organization_id_year_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX festival_ceremonies_organization_id_year_index ON public.festival_ceremonies USING btree (organization_id, year);


--
-- Name: festival_ceremonies_year_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_ceremonies_year_index ON public.festival_ceremonies USING btree (year);


--
-- Name: festival_dates_festival_event_id_year_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX festival_dates_festival_event_id_year_index ON public.festival_dates USING btree (festival_event_id, year);


--
-- Name: festival_dates_start_date_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_dates_start_date_index ON public.festival_dates USING btree (start_date);


--
-- Name: festival_dates_status_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_dates_status_index ON public.festival_dates USING btree (status);


--
-- Name: festival_dates_year_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_dates_year_index ON public.festival_dates USING btree (year);


--
-- Name: festival_events_active_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_events_active_index ON public.festival_events USING btree (active);


--
-- Name: festival_events_imdb_event_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_events_imdb_event_id_index ON public.festival_events USING btree (imdb_event_id);


--
-- Name: festival_events_import_priority_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_events_import_priority_index ON public.festival_events USING btree (import_priority);


--
-- Name: festival_events_primary_source_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_events_primary_source_index ON public.festival_events USING btree (primary_source);


--
-- Name: festival_events_reliability_score_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_events_reliability_score_index ON public.festival_events USING btree (reliability_score);


--
-- Name: festival_events_source_key_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX festival_events_source_key_index ON public.festival_events USING btree (source_key);


--
-- Name: festival_events_typical_start_month_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_events_typical_start_month_index ON public.festival_events USING btree (typical_start_month);


--
-- Name: festival_nominations_category_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_nominations_category_id_index ON public.festival_nominations USING btree (category_id);


--
-- Name: festival_nominations_ceremony_won_true_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_nominations_ceremony_won_true_idx ON public.festival_nominations USING btree (ceremony_id, won) WHERE (won = true);


--
-- Name: festival_nominations_movie_id_category_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_nominations_movie_id_category_id_index ON public.festival_nominations USING btree (movie_id, category_id);


--
-- Name: festival_nominations_person_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_nominations_person_id_index ON public.festival_nominations USING btree (person_id);


--
-- Name: festival_nominations_unique_nomination_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX festival_nominations_unique_nomination_idx ON public.festival_nominations USING btree (ceremony_id, category_id, movie_id);


--
-- Name: festival_nominations_won_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_nominations_won_index ON public.festival_nominations USING btree (won);


--
-- Name: festival_organizations_abbreviation_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX festival_organizations_abbreviation_index ON public.festival_organizations USING btree (abbreviation);


--
-- Name: festival_organizations_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX festival_organizations_name_index ON public.festival_organizations USING btree (name);


--
-- Name: festival_organizations_slug_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX festival_organizations_slug_index ON public.festival_organizations USING btree (slug);


--
-- Name: genres_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX genres_name_index ON public.genres USING btree (name);


--
-- Name: genres_tmdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX genres_tmdb_id_index ON public.genres USING btree (tmdb_id);


--
-- Name: idx_active_weight_profiles; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_active_weight_profiles ON public.metric_weight_profiles USING btree (active, name) WHERE (active = true);


--
-- Name: idx_collaboration_details_year_collab_id; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_collaboration_details_year_collab_id ON public.collaboration_details USING btree (year, collaboration_id);


--
-- Name: idx_collaborations_first_collab_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_collaborations_first_collab_date ON public.collaborations USING btree (first_collaboration_date, collaboration_count);


--
-- Name: idx_collaborations_high_count_partial; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_collaborations_high_count_partial ON public.collaborations USING btree (collaboration_count) WHERE (collaboration_count > 2);


--
-- Name: idx_external_metrics_covering; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_external_metrics_covering ON public.external_metrics USING btree (movie_id, source, metric_type, value, fetched_at);


--
-- Name: idx_festival_ceremonies_org_year; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_festival_ceremonies_org_year ON public.festival_ceremonies USING btree (organization_id, year);


--
-- Name: idx_festival_nominations_movie_scoring; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_festival_nominations_movie_scoring ON public.festival_nominations USING btree (movie_id, won, category_id);


--
-- Name: idx_festival_nominations_movie_won; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_festival_nominations_movie_won ON public.festival_nominations USING btree (movie_id, won) WHERE (won = true);


--
-- Name: idx_movie_credits_directors; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movie_credits_directors ON public.movie_credits USING btree (person_id) WHERE (((credit_type)::text = 'crew'::text) AND ((department)::text = 'Directing'::text));


--
-- Name: idx_movie_credits_movie_person_type; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movie_credits_movie_person_type ON public.movie_credits USING btree (movie_id, person_id, credit_type, job);


--
-- Name: idx_movie_credits_person_quality; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movie_credits_person_quality ON public.movie_credits USING btree (movie_id, person_id, job);


--
-- Name: idx_movie_release_dates_certification_not_null; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movie_release_dates_certification_not_null ON public.movie_release_dates USING btree (certification) WHERE ((certification IS NOT NULL) AND ((certification)::text <> ''::text));


--
-- Name: idx_movies_1001_list; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_1001_list ON public.movies USING gin (canonical_sources) WHERE (canonical_sources ? '1001_movies'::text);


--
-- Name: idx_movies_1001_movies; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_1001_movies ON public.movies USING btree (((canonical_sources ? '1001_movies'::text))) WHERE (canonical_sources ? '1001_movies'::text);


--
-- Name: idx_movies_2020s_prediction_candidates; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_2020s_prediction_candidates ON public.movies USING btree (release_date) WHERE ((NOT (canonical_sources ? '1001_movies'::text)) AND (release_date >= '2020-01-01'::date));


--
-- Name: idx_movies_2020s_predictions; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_2020s_predictions ON public.movies USING btree (release_date, import_status) WHERE (((import_status)::text = 'full'::text) AND (canonical_sources IS NULL));


--
-- Name: idx_movies_by_decade; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_by_decade ON public.movies USING btree (((floor((EXTRACT(year FROM release_date) / (10)::numeric)) * (10)::numeric)), import_status) WHERE (release_date IS NOT NULL);


--
-- Name: idx_movies_has_canonical; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_has_canonical ON public.movies USING btree (((canonical_sources <> '{}'::jsonb))) WHERE (canonical_sources <> '{}'::jsonb);


--
-- Name: idx_movies_import_status_release_date; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_import_status_release_date ON public.movies USING btree (import_status, release_date) WHERE ((import_status)::text = 'full'::text);


--
-- Name: idx_movies_lower_title_pattern; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_lower_title_pattern ON public.movies USING btree (lower((title)::text) varchar_pattern_ops);


--
-- Name: idx_movies_release_year; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_movies_release_year ON public.movies USING btree (EXTRACT(year FROM release_date));


--
-- Name: idx_oban_jobs_on_queue; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_oban_jobs_on_queue ON public.oban_jobs USING btree (queue);


--
-- Name: idx_oban_jobs_worker_state_completed_at; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_oban_jobs_worker_state_completed_at ON public.oban_jobs USING btree (worker, state, completed_at);


--
-- Name: idx_person_quality_scores; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_person_quality_scores ON public.person_metrics USING btree (person_id, metric_type) WHERE ((metric_type)::text = 'quality_score'::text);


--
-- Name: idx_score_caches_auteurs_score_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_auteurs_score_desc ON public.movie_score_caches USING btree (auteurs_score DESC NULLS LAST) WHERE (auteurs_score IS NOT NULL);


--
-- Name: idx_score_caches_category_score; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_category_score ON public.movie_score_caches USING btree (disparity_category, disparity_score DESC, movie_id);


--
-- Name: idx_score_caches_critics_score_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_critics_score_desc ON public.movie_score_caches USING btree (critics_score DESC NULLS LAST) WHERE (critics_score IS NOT NULL);


--
-- Name: idx_score_caches_festival_recognition_score_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_festival_recognition_score_desc ON public.movie_score_caches USING btree (festival_recognition_score DESC NULLS LAST) WHERE (festival_recognition_score IS NOT NULL);


--
-- Name: idx_score_caches_mob_score_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_mob_score_desc ON public.movie_score_caches USING btree (mob_score DESC NULLS LAST) WHERE (mob_score IS NOT NULL);


--
-- Name: idx_score_caches_overall_score_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_overall_score_desc ON public.movie_score_caches USING btree (overall_score DESC NULLS LAST) WHERE (overall_score IS NOT NULL);


--
-- Name: idx_score_caches_scoreability_sort_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_scoreability_sort_desc ON public.movie_score_caches USING btree (((overall_score * (((((((((COALESCE(mob_score, (0)::double precision) > (0)::double precision))::integer + ((COALESCE(critics_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(festival_recognition_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(time_machine_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(auteurs_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(box_office_score, (0)::double precision) > (0)::double precision))::integer))::double precision / (6.0)::double precision))) DESC NULLS LAST, movie_id) INCLUDE (overall_score, mob_score, critics_score, festival_recognition_score, time_machine_score, auteurs_score, box_office_score) WHERE ((overall_score IS NOT NULL) AND ((((((((COALESCE(mob_score, (0)::double precision) > (0)::double precision))::integer + ((COALESCE(critics_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(festival_recognition_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(time_machine_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(auteurs_score, (0)::double precision) > (0)::double precision))::integer) + ((COALESCE(box_office_score, (0)::double precision) > (0)::double precision))::integer) >= 2));


--
-- Name: idx_score_caches_time_machine_score_desc; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX idx_score_caches_time_machine_score_desc ON public.movie_score_caches USING btree (time_machine_score DESC NULLS LAST) WHERE (time_machine_score IS NOT NULL);


--
-- Name: keywords_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX keywords_name_index ON public.keywords USING btree (name);


--
-- Name: keywords_tmdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX keywords_tmdb_id_index ON public.keywords USING btree (tmdb_id);


--
-- Name: metric_definitions_active_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX metric_definitions_active_index ON public.metric_definitions USING btree (active);


--
-- Name: metric_definitions_category_subcategory_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX metric_definitions_category_subcategory_index ON public.metric_definitions USING btree (category, subcategory);


--
-- Name: metric_definitions_code_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX metric_definitions_code_index ON public.metric_definitions USING btree (code);


--
-- Name: metric_definitions_source_table_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX metric_definitions_source_table_index ON public.metric_definitions USING btree (source_table);


--
-- Name: metric_definitions_subcategory_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX metric_definitions_subcategory_index ON public.metric_definitions USING btree (subcategory);


--
-- Name: metric_values_matview_movie_code_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX metric_values_matview_movie_code_idx ON public.metric_values_matview USING btree (movie_id, metric_code);


--
-- Name: metric_weight_profiles_active_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX metric_weight_profiles_active_index ON public.metric_weight_profiles USING btree (active);


--
-- Name: metric_weight_profiles_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX metric_weight_profiles_name_index ON public.metric_weight_profiles USING btree (name);


--
-- Name: movie_availability_refresh_unique_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_availability_refresh_unique_idx ON public.movie_availability_refreshes USING btree (movie_id, region, source);


--
-- Name: movie_availability_refreshes_fetched_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_availability_refreshes_fetched_at_index ON public.movie_availability_refreshes USING btree (fetched_at);


--
-- Name: movie_availability_refreshes_region_status_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_availability_refreshes_region_status_index ON public.movie_availability_refreshes USING btree (region, status);


--
-- Name: movie_availability_refreshes_stale_after_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_availability_refreshes_stale_after_index ON public.movie_availability_refreshes USING btree (stale_after);


--
-- Name: movie_credits_credit_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_credits_credit_id_index ON public.movie_credits USING btree (credit_id);


--
-- Name: movie_credits_credit_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_credits_credit_type_index ON public.movie_credits USING btree (credit_type);


--
-- Name: movie_credits_department_job_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_credits_department_job_index ON public.movie_credits USING btree (department, job);


--
-- Name: movie_credits_job_person_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_credits_job_person_id_index ON public.movie_credits USING btree (job, person_id);


--
-- Name: movie_credits_movie_id_credit_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_credits_movie_id_credit_type_index ON public.movie_credits USING btree (movie_id, credit_type);


--
-- Name: movie_credits_person_id_credit_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_credits_person_id_credit_type_index ON public.movie_credits USING btree (person_id, credit_type);


--
-- Name: movie_credits_person_id_job_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_credits_person_id_job_index ON public.movie_credits USING btree (person_id, job);


--
-- Name: movie_credits_person_movie_job_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_credits_person_movie_job_idx ON public.movie_credits USING btree (person_id, movie_id, job);


--
-- Name: movie_discovery_rankings_mv_default_rank_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_discovery_rankings_mv_default_rank_idx ON public.movie_discovery_rankings_mv USING btree (default_discovery_score DESC NULLS LAST, release_date DESC NULLS LAST, movie_id) WHERE (((import_status)::text = 'full'::text) AND (is_released = true));


--
-- Name: movie_discovery_rankings_mv_movie_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_discovery_rankings_mv_movie_id_idx ON public.movie_discovery_rankings_mv USING btree (movie_id);


--
-- Name: movie_discovery_rankings_mv_poster_rank_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_discovery_rankings_mv_poster_rank_idx ON public.movie_discovery_rankings_mv USING btree (has_poster, default_discovery_score DESC NULLS LAST, release_date DESC NULLS LAST, movie_id) WHERE (((import_status)::text = 'full'::text) AND (is_released = true));


--
-- Name: movie_genres_genre_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_genres_genre_id_index ON public.movie_genres USING btree (genre_id);


--
-- Name: movie_genres_movie_id_genre_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_genres_movie_id_genre_id_index ON public.movie_genres USING btree (movie_id, genre_id);


--
-- Name: movie_keywords_movie_id_keyword_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_keywords_movie_id_keyword_id_index ON public.movie_keywords USING btree (movie_id, keyword_id);


--
-- Name: movie_lists_active_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_lists_active_index ON public.movie_lists USING btree (active);


--
-- Name: movie_lists_active_prediction_model_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_lists_active_prediction_model_id_index ON public.movie_lists USING btree (active_prediction_model_id);


--
-- Name: movie_lists_category_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_lists_category_index ON public.movie_lists USING btree (category);


--
-- Name: movie_lists_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_lists_name_trgm_idx ON public.movie_lists USING gin (name public.gin_trgm_ops);


--
-- Name: movie_lists_slug_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_lists_slug_index ON public.movie_lists USING btree (slug);


--
-- Name: movie_lists_source_key_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_lists_source_key_index ON public.movie_lists USING btree (source_key);


--
-- Name: movie_lists_source_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_lists_source_type_index ON public.movie_lists USING btree (source_type);


--
-- Name: movie_production_companies_company_id_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_production_companies_company_id_idx ON public.movie_production_companies USING btree (production_company_id);


--
-- Name: movie_production_companies_movie_id_production_company_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_production_companies_movie_id_production_company_id_index ON public.movie_production_companies USING btree (movie_id, production_company_id);


--
-- Name: movie_production_countries_movie_id_production_country_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_production_countries_movie_id_production_country_id_index ON public.movie_production_countries USING btree (movie_id, production_country_id);


--
-- Name: movie_production_countries_production_country_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_production_countries_production_country_id_index ON public.movie_production_countries USING btree (production_country_id);


--
-- Name: movie_recommendations_recommended_movie_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_recommendations_recommended_movie_id_index ON public.movie_recommendations USING btree (recommended_movie_id);


--
-- Name: movie_recommendations_source_movie_id_recommended_movie_id_sour; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_recommendations_source_movie_id_recommended_movie_id_sour ON public.movie_recommendations USING btree (source_movie_id, recommended_movie_id, source, type);


--
-- Name: movie_recommendations_source_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_recommendations_source_type_index ON public.movie_recommendations USING btree (source, type);


--
-- Name: movie_release_dates_country_code_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_release_dates_country_code_index ON public.movie_release_dates USING btree (country_code);


--
-- Name: movie_release_dates_movie_id_country_code_release_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_release_dates_movie_id_country_code_release_type_index ON public.movie_release_dates USING btree (movie_id, country_code, release_type);


--
-- Name: movie_score_caches_disparity_category_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_score_caches_disparity_category_index ON public.movie_score_caches USING btree (disparity_category);


--
-- Name: movie_score_caches_disparity_score_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_score_caches_disparity_score_index ON public.movie_score_caches USING btree (disparity_score);


--
-- Name: movie_score_caches_movie_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_score_caches_movie_id_index ON public.movie_score_caches USING btree (movie_id);


--
-- Name: movie_score_caches_overall_score_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_score_caches_overall_score_index ON public.movie_score_caches USING btree (overall_score);


--
-- Name: movie_score_caches_unpredictability_score_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_score_caches_unpredictability_score_index ON public.movie_score_caches USING btree (unpredictability_score);


--
-- Name: movie_spoken_languages_movie_id_spoken_language_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_spoken_languages_movie_id_spoken_language_id_index ON public.movie_spoken_languages USING btree (movie_id, spoken_language_id);


--
-- Name: movie_spoken_languages_spoken_language_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_spoken_languages_spoken_language_id_index ON public.movie_spoken_languages USING btree (spoken_language_id);


--
-- Name: movie_videos_movie_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_videos_movie_id_index ON public.movie_videos USING btree (movie_id);


--
-- Name: movie_videos_site_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_videos_site_index ON public.movie_videos USING btree (site);


--
-- Name: movie_videos_tmdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_videos_tmdb_id_index ON public.movie_videos USING btree (tmdb_id);


--
-- Name: movie_videos_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_videos_type_index ON public.movie_videos USING btree (type);


--
-- Name: movie_watch_provider_unique_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movie_watch_provider_unique_idx ON public.movie_watch_providers USING btree (movie_id, watch_provider_id, region, monetization_type, source);


--
-- Name: movie_watch_providers_fetched_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_watch_providers_fetched_at_index ON public.movie_watch_providers USING btree (fetched_at);


--
-- Name: movie_watch_providers_movie_id_region_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_watch_providers_movie_id_region_index ON public.movie_watch_providers USING btree (movie_id, region);


--
-- Name: movie_watch_providers_region_monetization_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_watch_providers_region_monetization_type_index ON public.movie_watch_providers USING btree (region, monetization_type);


--
-- Name: movie_watch_providers_stale_after_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_watch_providers_stale_after_index ON public.movie_watch_providers USING btree (stale_after);


--
-- Name: movie_watch_providers_watch_provider_id_region_monetization_typ; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movie_watch_providers_watch_provider_id_region_monetization_typ ON public.movie_watch_providers USING btree (watch_provider_id, region, monetization_type);


--
-- Name: movies_canonical_sources_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_canonical_sources_index ON public.movies USING gin (canonical_sources);


--
-- Name: movies_collection_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_collection_id_index ON public.movies USING btree (collection_id);


--
-- Name: movies_imdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_imdb_id_index ON public.movies USING btree (imdb_id);


--
-- Name: movies_import_status_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_import_status_index ON public.movies USING btree (import_status);


--
-- Name: movies_now_playing_last_seen_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_now_playing_last_seen_index ON public.movies USING btree (now_playing_last_seen);


--
-- Name: movies_now_playing_region_last_seen_gin_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_now_playing_region_last_seen_gin_index ON public.movies USING gin (now_playing_region_last_seen);


--
-- Name: movies_origin_country_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_origin_country_index ON public.movies USING gin (origin_country);


--
-- Name: movies_original_language_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_original_language_index ON public.movies USING btree (original_language);


--
-- Name: movies_original_title_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_original_title_trgm_idx ON public.movies USING gin (original_title public.gin_trgm_ops);


--
-- Name: movies_release_date_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_release_date_index ON public.movies USING btree (release_date);


--
-- Name: movies_runtime_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_runtime_index ON public.movies USING btree (runtime);


--
-- Name: movies_slug_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movies_slug_index ON public.movies USING btree (slug);


--
-- Name: movies_title_release_date_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_title_release_date_index ON public.movies USING btree (title, release_date);


--
-- Name: movies_title_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX movies_title_trgm_idx ON public.movies USING gin (title public.gin_trgm_ops);


--
-- Name: movies_tmdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX movies_tmdb_id_index ON public.movies USING btree (tmdb_id);


--
-- Name: oban_jobs_args_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oban_jobs_args_index ON public.oban_jobs USING gin (args);


--
-- Name: oban_jobs_meta_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oban_jobs_meta_index ON public.oban_jobs USING gin (meta);


--
-- Name: oban_jobs_state_cancelled_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oban_jobs_state_cancelled_at_index ON public.oban_jobs USING btree (state, cancelled_at);


--
-- Name: oban_jobs_state_discarded_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oban_jobs_state_discarded_at_index ON public.oban_jobs USING btree (state, discarded_at);


--
-- Name: oban_jobs_state_queue_priority_scheduled_at_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX oban_jobs_state_queue_priority_scheduled_at_id_index ON public.oban_jobs USING btree (state, queue, priority, scheduled_at, id);


--
-- Name: only_one_default_profile; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX only_one_default_profile ON public.metric_weight_profiles USING btree (is_default) WHERE (is_default = true);


--
-- Name: people_adult_department_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_adult_department_idx ON public.people USING btree (adult, known_for_department);


--
-- Name: people_birthday_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_birthday_index ON public.people USING btree (birthday);


--
-- Name: people_imdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_imdb_id_index ON public.people USING btree (imdb_id);


--
-- Name: people_known_for_department_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_known_for_department_index ON public.people USING btree (known_for_department);


--
-- Name: people_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_name_index ON public.people USING btree (name);


--
-- Name: people_name_lower_pattern_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_name_lower_pattern_idx ON public.people USING btree (lower((name)::text) varchar_pattern_ops);


--
-- Name: people_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_name_trgm_idx ON public.people USING gin (name public.gin_trgm_ops);


--
-- Name: people_popularity_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX people_popularity_idx ON public.people USING btree (popularity);


--
-- Name: people_slug_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX people_slug_index ON public.people USING btree (slug);


--
-- Name: people_tmdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX people_tmdb_id_index ON public.people USING btree (tmdb_id);


--
-- Name: person_collaboration_trends_person_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX person_collaboration_trends_person_idx ON public.person_collaboration_trends USING btree (person_id);


--
-- Name: person_collaboration_trends_unique_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX person_collaboration_trends_unique_idx ON public.person_collaboration_trends USING btree (person_id, year);


--
-- Name: person_collaboration_trends_year_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX person_collaboration_trends_year_idx ON public.person_collaboration_trends USING btree (year);


--
-- Name: person_metrics_calculated_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX person_metrics_calculated_at_index ON public.person_metrics USING btree (calculated_at);


--
-- Name: person_metrics_metric_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX person_metrics_metric_type_index ON public.person_metrics USING btree (metric_type);


--
-- Name: person_metrics_person_id_metric_type_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX person_metrics_person_id_metric_type_index ON public.person_metrics USING btree (person_id, metric_type);


--
-- Name: person_metrics_quality_score_sort_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX person_metrics_quality_score_sort_idx ON public.person_metrics USING btree (metric_type, score, person_id) WHERE ((metric_type)::text = 'quality_score'::text);


--
-- Name: person_metrics_score_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX person_metrics_score_index ON public.person_metrics USING btree (score);


--
-- Name: prediction_cache_calculated_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_cache_calculated_at_index ON public.prediction_cache USING btree (calculated_at);


--
-- Name: prediction_cache_decade_profile_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX prediction_cache_decade_profile_id_index ON public.prediction_cache USING btree (decade, profile_id);


--
-- Name: prediction_cache_profile_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_cache_profile_id_index ON public.prediction_cache USING btree (profile_id);


--
-- Name: prediction_experiments_model_class_backtest_strategy_feature_bu; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_experiments_model_class_backtest_strategy_feature_bu ON public.prediction_experiments USING btree (model_class, backtest_strategy, feature_bucket);


--
-- Name: prediction_experiments_n_evaluated_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_experiments_n_evaluated_index ON public.prediction_experiments USING btree (n_evaluated);


--
-- Name: prediction_experiments_run_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_experiments_run_at_index ON public.prediction_experiments USING btree (run_at);


--
-- Name: prediction_experiments_run_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_experiments_run_id_index ON public.prediction_experiments USING btree (run_id);


--
-- Name: prediction_experiments_source_key_grade_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_experiments_source_key_grade_index ON public.prediction_experiments USING btree (source_key, grade);


--
-- Name: prediction_experiments_source_key_model_class_backtest_strategy; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_experiments_source_key_model_class_backtest_strategy ON public.prediction_experiments USING btree (source_key, model_class, backtest_strategy);


--
-- Name: prediction_models_artifact_uniq; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX prediction_models_artifact_uniq ON public.prediction_models USING btree (source_key, weights_hash, model_version, prereg_id);


--
-- Name: prediction_models_run_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_models_run_id_index ON public.prediction_models USING btree (run_id);


--
-- Name: prediction_models_source_key_is_stale_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_models_source_key_is_stale_index ON public.prediction_models USING btree (source_key, is_stale);


--
-- Name: prediction_pre_registrations_source_key_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_pre_registrations_source_key_index ON public.prediction_pre_registrations USING btree (source_key);


--
-- Name: prediction_runs_inserted_at_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_runs_inserted_at_index ON public.prediction_runs USING btree (inserted_at);


--
-- Name: prediction_runs_run_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX prediction_runs_run_id_index ON public.prediction_runs USING btree (run_id);


--
-- Name: prediction_runs_status_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX prediction_runs_status_index ON public.prediction_runs USING btree (status);


--
-- Name: production_companies_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX production_companies_name_index ON public.production_companies USING btree (name);


--
-- Name: production_companies_name_lower_pattern_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX production_companies_name_lower_pattern_idx ON public.production_companies USING btree (lower((name)::text) varchar_pattern_ops);


--
-- Name: production_companies_name_trgm_idx; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX production_companies_name_trgm_idx ON public.production_companies USING gin (name public.gin_trgm_ops);


--
-- Name: production_companies_origin_country_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX production_companies_origin_country_index ON public.production_companies USING btree (origin_country);


--
-- Name: production_companies_slug_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX production_companies_slug_index ON public.production_companies USING btree (slug);


--
-- Name: production_companies_tmdb_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX production_companies_tmdb_id_index ON public.production_companies USING btree (tmdb_id);


--
-- Name: production_countries_iso_3166_1_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX production_countries_iso_3166_1_index ON public.production_countries USING btree (iso_3166_1);


--
-- Name: spoken_languages_iso_639_1_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX spoken_languages_iso_639_1_index ON public.spoken_languages USING btree (iso_639_1);


--
-- Name: users_email_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX users_email_index ON public.users USING btree (email);


--
-- Name: watch_provider_regions_active_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX watch_provider_regions_active_index ON public.watch_provider_regions USING btree (active);


--
-- Name: watch_provider_regions_source_iso_3166_1_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX watch_provider_regions_source_iso_3166_1_index ON public.watch_provider_regions USING btree (source, iso_3166_1);


--
-- Name: watch_providers_active_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX watch_providers_active_index ON public.watch_providers USING btree (active);


--
-- Name: watch_providers_name_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX watch_providers_name_index ON public.watch_providers USING btree (name);


--
-- Name: watch_providers_source_source_provider_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX watch_providers_source_source_provider_id_index ON public.watch_providers USING btree (source, source_provider_id);


--
-- Name: watch_providers_tmdb_provider_id_index; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX watch_providers_tmdb_provider_id_index ON public.watch_providers USING btree (tmdb_provider_id);


--
-- Name: collaborations update_collaboration_timestamp; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER update_collaboration_timestamp BEFORE UPDATE ON public.collaborations FOR EACH ROW EXECUTE FUNCTION public.update_collaboration_timestamp();


--
-- Name: collaboration_details collaboration_details_collaboration_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaboration_details
    ADD CONSTRAINT collaboration_details_collaboration_id_fkey FOREIGN KEY (collaboration_id) REFERENCES public.collaborations(id) ON DELETE CASCADE;


--
-- Name: collaboration_details collaboration_details_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaboration_details
    ADD CONSTRAINT collaboration_details_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: collaborations collaborations_person_a_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaborations
    ADD CONSTRAINT collaborations_person_a_id_fkey FOREIGN KEY (person_a_id) REFERENCES public.people(id) ON DELETE CASCADE;


--
-- Name: collaborations collaborations_person_b_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.collaborations
    ADD CONSTRAINT collaborations_person_b_id_fkey FOREIGN KEY (person_b_id) REFERENCES public.people(id) ON DELETE CASCADE;


--
-- Name: external_metrics external_metrics_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.external_metrics
    ADD CONSTRAINT external_metrics_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: festival_categories festival_categories_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_categories
    ADD CONSTRAINT festival_categories_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.festival_organizations(id) ON DELETE CASCADE;


--
-- Name: festival_ceremonies festival_ceremonies_organization_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_ceremonies
    ADD CONSTRAINT festival_ceremonies_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.festival_organizations(id) ON DELETE CASCADE;


--
-- Name: festival_dates festival_dates_festival_event_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_dates
    ADD CONSTRAINT festival_dates_festival_event_id_fkey FOREIGN KEY (festival_event_id) REFERENCES public.festival_events(id) ON DELETE CASCADE;


--
-- Name: festival_nominations festival_nominations_category_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_nominations
    ADD CONSTRAINT festival_nominations_category_id_fkey FOREIGN KEY (category_id) REFERENCES public.festival_categories(id) ON DELETE RESTRICT;


--
-- Name: festival_nominations festival_nominations_ceremony_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_nominations
    ADD CONSTRAINT festival_nominations_ceremony_id_fkey FOREIGN KEY (ceremony_id) REFERENCES public.festival_ceremonies(id) ON DELETE CASCADE;


--
-- Name: festival_nominations festival_nominations_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_nominations
    ADD CONSTRAINT festival_nominations_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: festival_nominations festival_nominations_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.festival_nominations
    ADD CONSTRAINT festival_nominations_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id) ON DELETE SET NULL;


--
-- Name: movie_availability_refreshes movie_availability_refreshes_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_availability_refreshes
    ADD CONSTRAINT movie_availability_refreshes_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_credits movie_credits_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_credits
    ADD CONSTRAINT movie_credits_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_credits movie_credits_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_credits
    ADD CONSTRAINT movie_credits_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id) ON DELETE CASCADE;


--
-- Name: movie_genres movie_genres_genre_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_genres
    ADD CONSTRAINT movie_genres_genre_id_fkey FOREIGN KEY (genre_id) REFERENCES public.genres(id) ON DELETE CASCADE;


--
-- Name: movie_genres movie_genres_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_genres
    ADD CONSTRAINT movie_genres_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_keywords movie_keywords_keyword_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_keywords
    ADD CONSTRAINT movie_keywords_keyword_id_fkey FOREIGN KEY (keyword_id) REFERENCES public.keywords(id) ON DELETE CASCADE;


--
-- Name: movie_keywords movie_keywords_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_keywords
    ADD CONSTRAINT movie_keywords_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_lists movie_lists_active_prediction_model_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_lists
    ADD CONSTRAINT movie_lists_active_prediction_model_id_fkey FOREIGN KEY (active_prediction_model_id) REFERENCES public.prediction_models(id) ON DELETE SET NULL;


--
-- Name: movie_production_companies movie_production_companies_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_production_companies
    ADD CONSTRAINT movie_production_companies_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_production_companies movie_production_companies_production_company_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_production_companies
    ADD CONSTRAINT movie_production_companies_production_company_id_fkey FOREIGN KEY (production_company_id) REFERENCES public.production_companies(id) ON DELETE CASCADE;


--
-- Name: movie_production_countries movie_production_countries_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_production_countries
    ADD CONSTRAINT movie_production_countries_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_production_countries movie_production_countries_production_country_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_production_countries
    ADD CONSTRAINT movie_production_countries_production_country_id_fkey FOREIGN KEY (production_country_id) REFERENCES public.production_countries(id) ON DELETE CASCADE;


--
-- Name: movie_recommendations movie_recommendations_recommended_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_recommendations
    ADD CONSTRAINT movie_recommendations_recommended_movie_id_fkey FOREIGN KEY (recommended_movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_recommendations movie_recommendations_source_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_recommendations
    ADD CONSTRAINT movie_recommendations_source_movie_id_fkey FOREIGN KEY (source_movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_release_dates movie_release_dates_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_release_dates
    ADD CONSTRAINT movie_release_dates_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_score_caches movie_score_caches_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_score_caches
    ADD CONSTRAINT movie_score_caches_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_spoken_languages movie_spoken_languages_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_spoken_languages
    ADD CONSTRAINT movie_spoken_languages_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_spoken_languages movie_spoken_languages_spoken_language_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_spoken_languages
    ADD CONSTRAINT movie_spoken_languages_spoken_language_id_fkey FOREIGN KEY (spoken_language_id) REFERENCES public.spoken_languages(id) ON DELETE CASCADE;


--
-- Name: movie_videos movie_videos_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_videos
    ADD CONSTRAINT movie_videos_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_watch_providers movie_watch_providers_movie_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_watch_providers
    ADD CONSTRAINT movie_watch_providers_movie_id_fkey FOREIGN KEY (movie_id) REFERENCES public.movies(id) ON DELETE CASCADE;


--
-- Name: movie_watch_providers movie_watch_providers_watch_provider_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.movie_watch_providers
    ADD CONSTRAINT movie_watch_providers_watch_provider_id_fkey FOREIGN KEY (watch_provider_id) REFERENCES public.watch_providers(id) ON DELETE CASCADE;


--
-- Name: person_metrics person_metrics_person_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.person_metrics
    ADD CONSTRAINT person_metrics_person_id_fkey FOREIGN KEY (person_id) REFERENCES public.people(id) ON DELETE CASCADE;


--
-- Name: prediction_cache prediction_cache_profile_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_cache
    ADD CONSTRAINT prediction_cache_profile_id_fkey FOREIGN KEY (profile_id) REFERENCES public.metric_weight_profiles(id) ON DELETE CASCADE;


--
-- Name: prediction_models prediction_models_prereg_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.prediction_models
    ADD CONSTRAINT prediction_models_prereg_id_fkey FOREIGN KEY (prereg_id) REFERENCES public.prediction_pre_registrations(id) ON DELETE SET NULL;


--
-- PostgreSQL database dump complete
--


--
-- Rows of schema_migrations (versions only; inserted_at left NULL to keep this file stable)
--

INSERT INTO public.schema_migrations (version) VALUES (20250721105248);
INSERT INTO public.schema_migrations (version) VALUES (20250730121409);
INSERT INTO public.schema_migrations (version) VALUES (20250730130132);
INSERT INTO public.schema_migrations (version) VALUES (20250730130500);
INSERT INTO public.schema_migrations (version) VALUES (20250730164445);
INSERT INTO public.schema_migrations (version) VALUES (20250730164459);
INSERT INTO public.schema_migrations (version) VALUES (20250803125342);
INSERT INTO public.schema_migrations (version) VALUES (20250803194253);
INSERT INTO public.schema_migrations (version) VALUES (20250803203000);
INSERT INTO public.schema_migrations (version) VALUES (20250803224822);
INSERT INTO public.schema_migrations (version) VALUES (20250805072503);
INSERT INTO public.schema_migrations (version) VALUES (20250805113655);
INSERT INTO public.schema_migrations (version) VALUES (20250805113658);
INSERT INTO public.schema_migrations (version) VALUES (20250805173523);
INSERT INTO public.schema_migrations (version) VALUES (20250806101403);
INSERT INTO public.schema_migrations (version) VALUES (20250806101521);
INSERT INTO public.schema_migrations (version) VALUES (20250806111814);
INSERT INTO public.schema_migrations (version) VALUES (20250806141916);
INSERT INTO public.schema_migrations (version) VALUES (20250806141945);
INSERT INTO public.schema_migrations (version) VALUES (20250811084415);
INSERT INTO public.schema_migrations (version) VALUES (20250811094500);
INSERT INTO public.schema_migrations (version) VALUES (20250811132415);
INSERT INTO public.schema_migrations (version) VALUES (20250812000000);
INSERT INTO public.schema_migrations (version) VALUES (20250812115922);
INSERT INTO public.schema_migrations (version) VALUES (20250812134727);
INSERT INTO public.schema_migrations (version) VALUES (20250812145919);
INSERT INTO public.schema_migrations (version) VALUES (20250812153508);
INSERT INTO public.schema_migrations (version) VALUES (20250812201228);
INSERT INTO public.schema_migrations (version) VALUES (20250813101923);
INSERT INTO public.schema_migrations (version) VALUES (20250814084748);
INSERT INTO public.schema_migrations (version) VALUES (20250814091411);
INSERT INTO public.schema_migrations (version) VALUES (20250814092256);
INSERT INTO public.schema_migrations (version) VALUES (20250814105800);
INSERT INTO public.schema_migrations (version) VALUES (20250815225823);
INSERT INTO public.schema_migrations (version) VALUES (20250816092300);
INSERT INTO public.schema_migrations (version) VALUES (20250817113001);
INSERT INTO public.schema_migrations (version) VALUES (20250817144041);
INSERT INTO public.schema_migrations (version) VALUES (20250819000001);
INSERT INTO public.schema_migrations (version) VALUES (20250820092430);
INSERT INTO public.schema_migrations (version) VALUES (20250820132408);
INSERT INTO public.schema_migrations (version) VALUES (20251120192044);
INSERT INTO public.schema_migrations (version) VALUES (20251125171114);
INSERT INTO public.schema_migrations (version) VALUES (20251202203809);
INSERT INTO public.schema_migrations (version) VALUES (20251203093830);
INSERT INTO public.schema_migrations (version) VALUES (20251203094836);
INSERT INTO public.schema_migrations (version) VALUES (20251203100105);
INSERT INTO public.schema_migrations (version) VALUES (20251204110856);
INSERT INTO public.schema_migrations (version) VALUES (20251210142352);
INSERT INTO public.schema_migrations (version) VALUES (20251213150000);
INSERT INTO public.schema_migrations (version) VALUES (20251214101948);
INSERT INTO public.schema_migrations (version) VALUES (20251214110000);
INSERT INTO public.schema_migrations (version) VALUES (20251214201855);
INSERT INTO public.schema_migrations (version) VALUES (20251226152545);
INSERT INTO public.schema_migrations (version) VALUES (20251226152800);
INSERT INTO public.schema_migrations (version) VALUES (20251226152910);
INSERT INTO public.schema_migrations (version) VALUES (20251226154830);
INSERT INTO public.schema_migrations (version) VALUES (20251227014848);
INSERT INTO public.schema_migrations (version) VALUES (20260125130941);
INSERT INTO public.schema_migrations (version) VALUES (20260216173923);
INSERT INTO public.schema_migrations (version) VALUES (20260323120000);
INSERT INTO public.schema_migrations (version) VALUES (20260323140000);
INSERT INTO public.schema_migrations (version) VALUES (20260323150000);
INSERT INTO public.schema_migrations (version) VALUES (20260324000000);
INSERT INTO public.schema_migrations (version) VALUES (20260325000000);
INSERT INTO public.schema_migrations (version) VALUES (20260325000001);
INSERT INTO public.schema_migrations (version) VALUES (20260325000002);
INSERT INTO public.schema_migrations (version) VALUES (20260325000003);
INSERT INTO public.schema_migrations (version) VALUES (20260325000004);
INSERT INTO public.schema_migrations (version) VALUES (20260325000005);
INSERT INTO public.schema_migrations (version) VALUES (20260327000001);
INSERT INTO public.schema_migrations (version) VALUES (20260328000001);
INSERT INTO public.schema_migrations (version) VALUES (20260425114611);
INSERT INTO public.schema_migrations (version) VALUES (20260428000001);
INSERT INTO public.schema_migrations (version) VALUES (20260429151427);
INSERT INTO public.schema_migrations (version) VALUES (20260429152304);
INSERT INTO public.schema_migrations (version) VALUES (20260430075655);
INSERT INTO public.schema_migrations (version) VALUES (20260501000000);
INSERT INTO public.schema_migrations (version) VALUES (20260501090000);
INSERT INTO public.schema_migrations (version) VALUES (20260501120000);
INSERT INTO public.schema_migrations (version) VALUES (20260502120000);
INSERT INTO public.schema_migrations (version) VALUES (20260502130000);
INSERT INTO public.schema_migrations (version) VALUES (20260502150000);
INSERT INTO public.schema_migrations (version) VALUES (20260502183000);
INSERT INTO public.schema_migrations (version) VALUES (20260502190000);
INSERT INTO public.schema_migrations (version) VALUES (20260523000000);
INSERT INTO public.schema_migrations (version) VALUES (20260523000001);
INSERT INTO public.schema_migrations (version) VALUES (20260526000000);
INSERT INTO public.schema_migrations (version) VALUES (20260526132000);
INSERT INTO public.schema_migrations (version) VALUES (20260530000000);
INSERT INTO public.schema_migrations (version) VALUES (20260601090253);
INSERT INTO public.schema_migrations (version) VALUES (20260602000000);
INSERT INTO public.schema_migrations (version) VALUES (20260602120000);
INSERT INTO public.schema_migrations (version) VALUES (20260602120100);
INSERT INTO public.schema_migrations (version) VALUES (20260602120200);
INSERT INTO public.schema_migrations (version) VALUES (20260602120300);
INSERT INTO public.schema_migrations (version) VALUES (20260602120400);
INSERT INTO public.schema_migrations (version) VALUES (20260602120500);
INSERT INTO public.schema_migrations (version) VALUES (20260602120600);
INSERT INTO public.schema_migrations (version) VALUES (20260602120700);
INSERT INTO public.schema_migrations (version) VALUES (20260602120800);
INSERT INTO public.schema_migrations (version) VALUES (20260603120000);
INSERT INTO public.schema_migrations (version) VALUES (20260603120100);
INSERT INTO public.schema_migrations (version) VALUES (20260603120300);
INSERT INTO public.schema_migrations (version) VALUES (20260603130000);
INSERT INTO public.schema_migrations (version) VALUES (20260603140000);
INSERT INTO public.schema_migrations (version) VALUES (20260603150000);
INSERT INTO public.schema_migrations (version) VALUES (20260603150100);
INSERT INTO public.schema_migrations (version) VALUES (20260603160000);
INSERT INTO public.schema_migrations (version) VALUES (20260603160100);
INSERT INTO public.schema_migrations (version) VALUES (20260604120000);
INSERT INTO public.schema_migrations (version) VALUES (20260604130000);
INSERT INTO public.schema_migrations (version) VALUES (20260604140000);
INSERT INTO public.schema_migrations (version) VALUES (20260604140100);
INSERT INTO public.schema_migrations (version) VALUES (20260607200000);
INSERT INTO public.schema_migrations (version) VALUES (20260607200100);
INSERT INTO public.schema_migrations (version) VALUES (20260608090000);
INSERT INTO public.schema_migrations (version) VALUES (20260608140000);
INSERT INTO public.schema_migrations (version) VALUES (20260609120000);
