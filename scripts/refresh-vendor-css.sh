#!/usr/bin/env bash
# Refreshes the NL Design System CSS vendored under app/static/vendor/ from the npm registry.
# The app needs no Node at run time: only this maintenance script uses npm.
set -euo pipefail
UTRECHT_CSS_VERSION="${UTRECHT_CSS_VERSION:-9.0.4}"
TOKENS_VERSION="${TOKENS_VERSION:-7.4.1}"
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$here/app/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "@utrecht/component-library-css@$UTRECHT_CSS_VERSION" \
  "@nl-design-system-unstable/voorbeeld-design-tokens@$TOKENS_VERSION" >/dev/null
mkdir utrecht tokens
tar xzf utrecht-component-library-css-*.tgz -C utrecht
tar xzf nl-design-system-unstable-voorbeeld-design-tokens-*.tgz -C tokens
mkdir -p "$dest/utrecht" "$dest/voorbeeld-tokens"
cp utrecht/package/dist/index.css "$dest/utrecht/component-library.css"
cp utrecht/package/LICENSE.md "$dest/utrecht/LICENSE.md"
cp tokens/package/dist/theme.css "$dest/voorbeeld-tokens/theme.css"
cp tokens/package/LICENSE.md "$dest/voorbeeld-tokens/LICENSE.md"
printf '@utrecht/component-library-css %s\n@nl-design-system-unstable/voorbeeld-design-tokens %s\n' \
  "$UTRECHT_CSS_VERSION" "$TOKENS_VERSION" > "$dest/VERSIONS"
echo "vendored CSS refreshed in $dest"
