#!/bin/sh
# Emits a C file defining the console's files (CONSOLE_ASSETS, CONSOLE_ASSET_COUNT): each file's path
# under console/ and its bytes, written as octal escapes so any byte embeds exactly.
set -eu
echo '#include "assets.h"'
echo 'const console_file CONSOLE_ASSETS[] = {'
for f in "$@"; do
  rel=${f#console/}
  size=$(wc -c < "$f")
  printf '  {"%s", %s, "' "$rel" "$size"
  od -An -v -to1 "$f" | tr -s ' \n' ' ' | sed -e 's/^ //' -e 's/ $//' -e 's/ /\\/g' -e 's/^/\\/' | tr -d '\n'
  printf '"},\n'
done
echo '};'
echo "const int CONSOLE_ASSET_COUNT = $#;"
