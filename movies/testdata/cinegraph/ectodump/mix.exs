# Offline build without Hex (pattern of /work/shared/phoenix-ref/mix.exs): the deps'
# own mix.exs files declare registry requirements such as {:decimal, "~> 2.0"}. Mix
# needs *some* SCM to accept such a declaration before convergence, otherwise it asks
# to install Hex. This stub SCM accepts them; every one of them is then replaced by
# the top-level `path:` dep (override: true) below, so the stub never fetches anything.
defmodule EctoDump.OfflineSCM do
  @moduledoc false
  @behaviour Mix.SCM

  @impl true
  def fetchable?, do: false
  @impl true
  def format(_opts), do: "offline stub (must be overridden by a path dep)"
  @impl true
  def format_lock(_opts), do: nil

  @impl true
  def accepts_options(_app, opts) do
    if Enum.any?([:path, :git, :github, :in_umbrella], &Keyword.has_key?(opts, &1)),
      do: nil,
      else: Keyword.put_new(opts, :dest, "deps_src/__missing__")
  end

  @impl true
  def checked_out?(_opts), do: false
  @impl true
  def lock_status(_opts), do: :ok
  @impl true
  def equal?(_opts1, _opts2), do: true
  @impl true
  def managers(_opts), do: []

  @impl true
  def checkout(opts),
    do: Mix.raise("offline stub SCM cannot fetch #{inspect(opts[:dest])}; add a path dep")

  @impl true
  def update(opts), do: checkout(opts)
end

unless EctoDump.OfflineSCM in Mix.SCM.available() do
  Mix.SCM.append(EctoDump.OfflineSCM)
end

defmodule EctoDump.MixProject do
  use Mix.Project

  # The app is named :cinegraph so that Cinegraph.Repo (otp_app: :cinegraph) finds
  # its migrations in priv/repo/migrations exactly as in cinegraph itself.
  # build-schema.sh copies them there from the pinned cinegraph commit.
  def project do
    [
      app: :cinegraph,
      version: "0.0.0-ectodump",
      elixir: "~> 1.14",
      # lib/: Cinegraph.Repo and the one app function a migration calls.
      # deps_src/oban_migration/: Oban's own migration modules (Oban.Migration,
      # Oban.Migrations.Postgres and V01..V14) exported from the oban mirror; the
      # rest of Oban (which needs Elixir >= 1.15) is not needed to create its tables.
      elixirc_paths: ["lib", "deps_src/oban_migration"],
      deps: deps()
    ]
  end

  def application, do: [extra_applications: [:logger]]

  defp dep(name), do: {name, path: "deps_src/#{name}", override: true}

  defp deps, do: Enum.map(~w(ecto_sql ecto postgrex db_connection decimal telemetry jason)a, &dep/1)
end
