#!/usr/bin/env bash
# Checks that build.sh regenerates the committed omni-tiny: clones HEAD into a temporary folder, runs the
# whole pipeline there (about 56 min on 2 cores), and compares every generated file with the committed one.
# Usage: tools/omni-tiny/verify_rebuild.sh [DIR]   (DIR: an already rebuilt clone; only the comparison runs)
# Exit 0 when model files, held-out media, metrics and the model card are byte-identical.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/../.." && pwd)"
DIR="${1:-}"
if [[ -z "$DIR" ]]; then
  DIR="$(mktemp -d)/omni-embed"
  git clone -q "$REPO" "$DIR"
  ln -s "$REPO/node_modules" "$DIR/node_modules"
  (cd "$DIR" && bash tools/omni-tiny/build.sh)
fi
GENERATED=(models/omni-tiny data/heldout tools/omni-tiny/metrics.json tools/omni-tiny/check_web.json docs/model-card.md)
cd "$REPO"
differ=0
files=0
while IFS= read -r -d '' f; do
  files=$((files + 1))
  if ! cmp -s "$f" "$DIR/$f"; then echo "differs: $f"; differ=$((differ + 1)); fi
done < <(git ls-files -z -- "${GENERATED[@]}")
# A file the rebuild writes that is not committed is a difference too.
extra=$(cd "$DIR" && git ls-files --others --exclude-standard -- "${GENERATED[@]}")
if [[ -n "$extra" ]]; then echo "not committed: $extra"; differ=$((differ + 1)); fi
echo "rebuild in $DIR: $files committed files compared, $differ differ"
[[ $differ -eq 0 ]]
