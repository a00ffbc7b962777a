import Config

config :cinegraph, ecto_repos: [Cinegraph.Repo]

# Connection to the throwaway cluster started by build-schema.sh (unix socket).
config :cinegraph, Cinegraph.Repo,
  socket_dir: System.get_env("PGHOST", "/tmp"),
  port: String.to_integer(System.get_env("PGPORT", "5432")),
  username: System.get_env("PGUSER", "postgres"),
  database: System.get_env("PGDATABASE", "cinegraph"),
  pool_size: 2,
  log: false

config :logger, level: :info
