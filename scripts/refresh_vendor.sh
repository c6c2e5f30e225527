#!/usr/bin/env bash
# Refreshes the pinned front-end packages under static/vendor/ from the npm registry and
# records their versions. Run by hand when upgrading; never at run time (no CDN, no npm in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
NYSDS_VERSION="${NYSDS_VERSION:-1.15.0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent \
  "@nysds/components@${NYSDS_VERSION}" "@nysds/styles@${NYSDS_VERSION}")
dest=static/vendor/nysds
rm -rf "$dest" && mkdir -p "$dest"
# The source map is not shipped, so drop its reference (the manifest storage would fail on it).
sed "/sourceMappingURL=/d" "$work/node_modules/@nysds/components/dist/nysds.js" > "$dest/nysds.js"
cp "$work/node_modules/@nysds/styles/dist/nysds-full.min.css" "$dest/"
for pkg in components styles; do
  cp "$work/node_modules/@nysds/$pkg/LICENSE"* "$dest/LICENSE-$pkg" 2>/dev/null || true
done
{
  echo "# Pinned front-end packages (written by scripts/refresh_vendor.sh)"
  for pkg in components styles; do
    node -e "const p=require('$work/node_modules/@nysds/$pkg/package.json');console.log(p.name+'@'+p.version+' '+(p.license||''))"
  done
  echo "fetched $(date -u +%Y-%m-%d)"
} > static/vendor/VERSIONS.txt
cat static/vendor/VERSIONS.txt
