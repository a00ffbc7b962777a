defmodule Cinegraph.Scoring.DerivedFeatures do
  @moduledoc """
  Stub of the one function of cinegraph's lib/cinegraph/scoring/derived_features.ex
  that a migration calls: `band_codes_for/1`, used by
  20260608140000_enable_box_office_bands.exs (an UPDATE of metric_definitions.is_available,
  data only, no DDL). Same result as the real module: the band families and their
  edge lists are copied from @band_specs there (all edge lists have 4 edges, so each
  family is `<prefix>_missing` plus `<prefix>_b0`..`<prefix>_b4`).
  build-schema.sh checks that the real module still defines band_codes_for/1 this way.
  """

  @edges_money [1.0e6, 1.0e7, 5.0e7, 2.5e8]
  @edges_count [1.0e3, 1.0e4, 1.0e5, 5.0e5]
  @edges_pop [5.0, 15.0, 40.0, 100.0]
  @edges_roi [1.0, 2.0, 5.0, 10.0]
  @edges_pct100 [20.0, 40.0, 60.0, 80.0]
  @edges_rating10 [5.0, 6.0, 7.0, 8.0]

  @band_edges %{
    "rev_ww" => @edges_money,
    "rev_dom" => @edges_money,
    "budget" => @edges_money,
    "roi" => @edges_roi,
    "imdb_votes" => @edges_count,
    "tmdb_votes" => @edges_count,
    "popularity" => @edges_pop,
    "rt" => @edges_pct100,
    "meta" => @edges_pct100,
    "imdb_rating" => @edges_rating10,
    "tmdb_rating" => @edges_rating10
  }

  def band_codes_for(prefix) do
    case Map.fetch(@band_edges, prefix) do
      {:ok, edges} -> ["#{prefix}_missing" | Enum.map(0..length(edges), &"#{prefix}_b#{&1}")]
      :error -> []
    end
  end
end
