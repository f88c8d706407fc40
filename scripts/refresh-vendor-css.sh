#!/usr/bin/env bash
# Refreshes the NL Design System CSS vendored under app/static/vendor/ from the npm registry.
# The app needs no Node at run time: only this maintenance script uses npm.
# The full files go to assets/nlds/ (not served); scripts/prune_vendor_css.py then writes the
# parts the app uses to app/static/vendor/ (81 KB instead of 614). Commit both.
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
mkdir -p "$dest/utrecht" "$dest/voorbeeld-tokens" "$here/assets/nlds"
cp utrecht/package/dist/index.css "$here/assets/nlds/component-library.css"
cp utrecht/package/LICENSE.md "$dest/utrecht/LICENSE.md"
cp tokens/package/dist/theme.css "$here/assets/nlds/theme.css"
cp tokens/package/LICENSE.md "$dest/voorbeeld-tokens/LICENSE.md"
printf '@utrecht/component-library-css %s\n@nl-design-system-unstable/voorbeeld-design-tokens %s\n' \
  "$UTRECHT_CSS_VERSION" "$TOKENS_VERSION" > "$dest/VERSIONS"
python3 "$here/scripts/prune_vendor_css.py"
echo "vendored CSS refreshed in $here/assets/nlds and pruned into $dest"
