#!/usr/bin/env bash
# Builds the DFSG-free English pre-training corpus from Debian packages (see corpus/README.md).
# Installs the packages it reads, and skips those that are there; then extracts, cleans,
# deduplicates and splits their text with scripts/corpus/build_corpus.py (standard library only).
# Usage: scripts/corpus/build-corpus.sh [--out DIR] [--max-mb N]   (defaults: .artifacts/corpus, 60)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

say() { printf '\033[36m[corpus]\033[0m %s\n' "$*"; }

out="$root/.artifacts/corpus"
max_mb=60
while (($#)); do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --max-mb) max_mb="$2"; shift 2 ;;
    -h|--help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# Text sources (each must come from Debian main; build_corpus.py checks), then the tools that
# read them: man-db and groff-base render man pages, bible-kjv reads bible-kjv-text's data.
# dict-gcide depends on a dictionary server (dictd); Debian starts it unless policy-rc.d forbids.
apt_packages=(debian-handbook debian-reference-en debian-policy developers-reference maint-guide
              debian-faq doc-debian manpages manpages-dev bible-kjv-text fortunes-min fortunes
              dict-gcide man-db groff-base bible-kjv)

# Documentation packages are often excluded from slim images by dpkg's path-exclude rules; the
# corpus needs their files, and build_corpus.py stops if a package brought none of them.
source "$root/scripts/lib/apt-ensure.sh"
apt_ensure "${apt_packages[@]}"

say "building into $out (cap ${max_mb} MB)"
start=$SECONDS
PYTHONDONTWRITEBYTECODE=1 python3 "$root/scripts/corpus/build_corpus.py" --out "$out" --max-mb "$max_mb"
say "done in $((SECONDS - start)) s: $out/train.txt, $out/valid.txt, $out/sources.json"
