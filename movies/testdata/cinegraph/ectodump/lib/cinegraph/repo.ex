defmodule Cinegraph.Repo do
  # Same definition as cinegraph's lib/cinegraph/repo.ex minus the replica helpers
  # (replica/0, route_to_worker/0), which no migration calls.
  use Ecto.Repo,
    otp_app: :cinegraph,
    adapter: Ecto.Adapters.Postgres
end
