#!/usr/bin/env bash
# Builds the one-folder program with build.spec, as for the users' laptops, and proves that it runs: the
# window program's --self-test (demo ledger, check, Excel, binder, main window) and the command.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet -e ".[build]"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pyinstaller --noconfirm --log-level WARN --distpath "$work/dist" --workpath "$work/build" build.spec
folder="$work/dist/xiezuo-ledger"
echo "built: $(du -sh "$folder" | cut -f1) in $(find "$folder" -type f | wc -l) files"
QT_QPA_PLATFORM=offscreen "$folder/xiezuo" --self-test
"$folder/ledger" --version
"$folder/ledger" --ledger "$work/ledger" init --pairing 鹤山市—龙州县
"$folder/ledger" --ledger "$work/ledger" check
