#!/bin/sh
# Vendors phoenix_live_view's end-to-end specs (test/e2e/tests and
# test/e2e/utils.js), byte for byte, from a git clone of
# phoenixframework/phoenix_live_view at the pinned tag, and records their
# SHA-256 sums (SHA256SUMS, checked by `make e2e-upstream`).
#   sh assets/upstream-e2e/vendor.sh /path/to/phoenix_live_view.git [tag]
set -eu
repo=${1:?usage: vendor.sh <phoenix_live_view git dir or clone> [tag]}
tag=${2:-v1.1.32}
here=$(cd "$(dirname "$0")" && pwd)
commit=$(git -C "$repo" rev-parse "$tag^{commit}")
rm -rf "$here/tests"
git -C "$repo" archive "$commit" test/e2e/tests test/e2e/utils.js LICENSE.md |
	tar -x -C "$here" --strip-components=2 test/e2e/tests test/e2e/utils.js
git -C "$repo" show "$commit:LICENSE.md" >"$here/LICENSE.md"
printf '%s\n' "phoenixframework/phoenix_live_view $tag $commit" >"$here/PINNED.txt"
cd "$here" && find tests utils.js LICENSE.md -type f | LC_ALL=C sort | xargs sha256sum >SHA256SUMS
echo "vendored $(find tests -name '*.spec.js' | wc -l) spec files from $tag ($commit)"
