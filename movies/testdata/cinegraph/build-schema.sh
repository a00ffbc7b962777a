#!/usr/bin/env bash
# Regenerate schema.sql: the real cinegraph PostgreSQL schema, made by running
# cinegraph's own Ecto migrations (priv/repo/migrations of the pinned commit)
# against a throwaway PostgreSQL 15 cluster, then pg_dump --schema-only.
#
# Everything comes from local bare git mirrors (the `fetch` tool's layout
# $MIRRORS/OWNER+NAME/repo); no package registry is used: each Elixir dependency
# is exported with `git archive` into ectodump/deps_src/ (git-ignored) and consumed
# as a `path:` dep (see ectodump/mix.exs).
#
# Prerequisites (Debian bookworm): elixir erlang erlang-dev erlang-src (Elixir 1.14.0 /
# OTP 25) and postgresql-15 (binaries in /usr/lib/postgresql/15/bin; only the
# binaries are used, no system cluster). Runs as root (PostgreSQL itself is run as
# the `postgres` user via runuser) or as a non-root user (then PostgreSQL runs as you).
#
# Usage: MIRRORS=/work/.mirror ./build-schema.sh
# Outputs (next to this script): schema.sql, PINNED.txt
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
MIRRORS=${MIRRORS:?set MIRRORS to the folder holding the fetched mirrors (OWNER+NAME/repo)}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
export MIX_ENV=dev HEX_OFFLINE=1 MIX_QUIET=1

# cinegraph: newest commit of main when this was made ("Homiosdasis. (#1112)", 2026-06-12).
CINEGRAPH_MIRROR=razrfly+cinegraph
CINEGRAPH_COMMIT=af8df16701511ae9854d879d419bcc19820d72f3

# name           mirror dir (owner+repo)       tag       (cinegraph's mix.lock has)
DEPS=$(cat <<'LIST'
ecto_sql         elixir-ecto+ecto_sql          v3.13.5   3.13.5
ecto             elixir-ecto+ecto              v3.13.5   3.13.5
postgrex         elixir-ecto+postgrex          v0.21.1   0.22.0 (needs Elixir ~> 1.15)
db_connection    elixir-ecto+db_connection     v2.10.0   2.10.0
decimal          ericmj+decimal                v2.3.0    2.3.0
telemetry        beam-telemetry+telemetry      v1.3.0    1.4.2 (no such tag in the mirror)
jason            michalmuskala+jason           v1.4.4    1.4.4
LIST
)
# Oban: only its migration modules are compiled (Oban 2.22 needs Elixir ~> 1.15).
OBAN_MIRROR=oban-bg+oban
OBAN_TAG=v2.22.0   # cinegraph's mix.lock: oban 2.22.0

mirror() {
  local r="$MIRRORS/$1/repo"
  [ -d "$r" ] || { echo "missing mirror: $r" >&2; exit 1; }
  echo "$r"
}

# export_tree REPO COMMIT DEST: `git archive` the commit into DEST. Some mirrors lack
# a few large blobs (jason's bench/data/issue-90.json); then export only what Mix
# builds from (mix.exs, lib/, src/, include/, priv/, c_src/, rebar.config), which is
# then checked to be complete.
export_tree() {
  local r=$1 c=$2 dest=$3 keep
  rm -rf "$dest"; mkdir -p "$dest"
  if ! (git -C "$r" archive "$c" | tar -x -C "$dest") 2>/dev/null; then
    rm -rf "$dest"; mkdir -p "$dest"
    keep=$(git -C "$r" ls-tree --name-only "$c" | grep -xE 'mix\.exs|lib|src|include|priv|c_src|rebar\.config')
    # (git archive still complains about the missing blob outside $keep: ignored, the
    # export is checked file by file below)
    git -C "$r" archive "$c" -- $keep 2>/dev/null | tar -x -C "$dest"
    local want have
    want=$(git -C "$r" ls-tree -r --name-only "$c" -- $keep | sort)
    have=$(cd "$dest" && find . -type f | sed 's|^\./||' | sort)
    [ "$want" = "$have" ] || { echo "incomplete export of $r $c" >&2; exit 1; }
    echo "  ($(basename "$(dirname "$r")"): mirror lacks some blobs, exported only: $(echo $keep))" >&2
  fi
}

E=$HERE/ectodump
rm -rf "$E/deps_src" "$E/priv"
mkdir -p "$E/deps_src" "$E/priv/repo/migrations"

CG=$(mirror $CINEGRAPH_MIRROR)
{
  echo "# Sources of schema.sql (written by build-schema.sh)"
  echo "# what            repo                          tag       commit"
  printf '%-17s %-29s %-9s %s\n' cinegraph razrfly/cinegraph main "$(git -C "$CG" rev-parse "$CINEGRAPH_COMMIT^{commit}")"
} > PINNED.txt

while read -r name mir tag _; do
  [ -z "$name" ] && continue
  r=$(mirror "$mir")
  commit=$(git -C "$r" rev-parse "$tag^{commit}")
  export_tree "$r" "$commit" "$E/deps_src/$name"
  printf '%-17s %-29s %-9s %s\n' "$name" "${mir/+//}" "$tag" "$commit" >> PINNED.txt
done <<< "$DEPS"

r=$(mirror $OBAN_MIRROR)
commit=$(git -C "$r" rev-parse "$OBAN_TAG^{commit}")
mkdir -p "$E/deps_src/oban_migration"
git -C "$r" archive "$commit" lib/oban/migration.ex lib/oban/migrations/postgres.ex lib/oban/migrations/postgres |
  tar -x -C "$E/deps_src/oban_migration"
printf '%-17s %-29s %-9s %s  (lib/oban/migration.ex, lib/oban/migrations/postgres.ex, lib/oban/migrations/postgres/v01..v14.ex only)\n' \
  oban "${OBAN_MIRROR/+//}" "$OBAN_TAG" "$commit" >> PINNED.txt

# The migrations, verbatim from the pinned commit.
git -C "$CG" archive "$CINEGRAPH_COMMIT" priv/repo/migrations | tar -x -C "$E"
NMIG=$(ls "$E/priv/repo/migrations"/*.exs | wc -l)
echo "cinegraph $CINEGRAPH_COMMIT: $NMIG migrations"

# The only app function a migration calls is Cinegraph.Scoring.DerivedFeatures.band_codes_for/1
# (stubbed in ectodump/lib). Refuse to build if the migrations now call anything else
# from the app, or if the band specs the stub copies have changed.
calls=$(grep -hoE 'Cinegraph\.[A-Z][A-Za-z0-9.]*\.[a-z_]+[?!]?\(|&Cinegraph\.[A-Z][A-Za-z0-9.]*\.[a-z_]+/' \
          "$E"/priv/repo/migrations/*.exs | grep -v '^Cinegraph\.Repo\.Migrations' | sort -u || true)
if [ "$calls" != "&Cinegraph.Scoring.DerivedFeatures.band_codes_for/" ]; then
  echo "migrations call app code not stubbed here:"; echo "$calls"; exit 1
fi
src=$(git -C "$CG" show "$CINEGRAPH_COMMIT:lib/cinegraph/scoring/derived_features.ex")
for want in \
  '@edges_money [1.0e6, 1.0e7, 5.0e7, 2.5e8]' '@edges_count [1.0e3, 1.0e4, 1.0e5, 5.0e5]' \
  '@edges_pop [5.0, 15.0, 40.0, 100.0]' '@edges_roi [1.0, 2.0, 5.0, 10.0]' \
  '@edges_pct100 [20.0, 40.0, 60.0, 80.0]' '@edges_rating10 [5.0, 6.0, 7.0, 8.0]' \
  '{"rev_ww", :resolver, :tmdb_revenue, @edges_money,' '{"rev_dom", :resolver, :omdb_revenue_domestic, @edges_money,' \
  '{"budget", :resolver, :tmdb_budget, @edges_money,' '{"roi", :roi, nil, @edges_roi,' \
  'do: ["#{prefix}_missing" | Enum.map(0..length(edges), &"#{prefix}_b#{&1}")]'; do
  grep -qF -- "$want" <<< "$src" || { echo "derived_features.ex changed, update the stub: $want" >&2; exit 1; }
done
# Oban.Migration.up/down is the only other outside call (compiled from oban's own sources).

(cd "$E" && mix compile 2>&1 | grep -v '^==> \|^Compiling \|^Generated ' || true)
[ -f "$E/_build/dev/lib/cinegraph/ebin/Elixir.Cinegraph.Repo.beam" ] || { echo "mix compile failed" >&2; exit 1; }

# ---- throwaway PostgreSQL 15 clusters ---------------------------------------------
TMP=$(mktemp -d /tmp/cinegraph-schema.XXXXXX)
chmod 755 "$TMP"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$TMP"; AS=(runuser -u postgres --); PGUSER=postgres
else
  AS=(); PGUSER=$(id -un)
fi
export PGHOST=$TMP PGUSER
PIDS=()
cleanup() {
  for d in "${PIDS[@]}"; do "${AS[@]}" "$PGBIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

# start_cluster NAME PORT: initdb + start, listening only on the unix socket in $TMP.
start_cluster() {
  "${AS[@]}" "$PGBIN/initdb" -D "$TMP/$1" -U "$PGUSER" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$TMP/$1" -l "$TMP/$1.log" -w -o "-k $TMP -p $2 -c listen_addresses= -c fsync=off" start >/dev/null
  PIDS+=("$TMP/$1")
}

start_cluster migrate 5432
export PGPORT=5432 PGDATABASE=cinegraph
"$PGBIN/createdb" cinegraph
echo "server: $("$PGBIN/psql" -XAtc 'show server_version')"
(cd "$E" && mix ecto.migrate --no-compile --no-deps-check --log-migrations-sql) > "$E/_build/migrate.log" 2>&1 ||
  { tail -n 40 "$E/_build/migrate.log"; echo "mix ecto.migrate failed (log: $E/_build/migrate.log)" >&2; exit 1; }
grep -iE 'warning|error' "$E/_build/migrate.log" || true
echo "migrated; full log with the SQL of each migration: ectodump/_build/migrate.log"
applied=$("$PGBIN/psql" -XAtc 'select count(*) from schema_migrations')
[ "$applied" = "$NMIG" ] || { echo "only $applied of $NMIG migrations applied" >&2; exit 1; }

# Rows the migrations themselves insert (seeds/backfills); not part of schema.sql.
"$PGBIN/psql" -XAt -c "select string_agg(format('%s=%s', t, n), ' ') from (select relname t, (xpath('/row/c/text()', query_to_xml(format('select count(*) c from %I', relname), false, true, '')))[1]::text::int n from pg_class where relkind='r' and relnamespace='public'::regnamespace and relname <> 'schema_migrations') x where n > 0" |
  sed 's/^/rows left by the migrations (not dumped): /'

{
  # pg_dump >= 15.14 wraps its output in \restrict KEY / \unrestrict KEY (psql-only
  # meta-commands with a random key, CVE-2025-8714). They are dropped so that the
  # file is stable and plain SQL (loadable by older psql or by a driver's Exec).
  "$PGBIN/pg_dump" --schema-only --no-owner --no-privileges cinegraph | grep -vE '^\\(un)?restrict '
  echo "--"
  echo "-- Rows of schema_migrations (versions only; inserted_at left NULL to keep this file stable)"
  echo "--"
  echo
  "$PGBIN/psql" -XAt -c "select format('INSERT INTO public.schema_migrations (version) VALUES (%s);', version) from schema_migrations order by version"
} > schema.sql

# ---- verify: load schema.sql into a fresh cluster --------------------------------
start_cluster verify 5433
PGPORT=5433 "$PGBIN/createdb" verify
PGPORT=5433 "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -d verify -f schema.sql >/dev/null
tables=$(PGPORT=5433 "$PGBIN/psql" -XAt -d verify -c "select count(*) from pg_tables where schemaname='public'")
views=$(PGPORT=5433 "$PGBIN/psql" -XAt -d verify -c "select count(*) from pg_views where schemaname='public'")
mviews=$(PGPORT=5433 "$PGBIN/psql" -XAt -d verify -c "select count(*) from pg_matviews where schemaname='public'")
echo "schema.sql: $(wc -l < schema.sql) lines; reloaded into a fresh cluster with ON_ERROR_STOP: $tables tables, $views views, $mviews materialized views in public, $applied migrations"
