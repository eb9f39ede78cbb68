#!/bin/sh
# Emits a C file holding every migration (file name and SQL text), in order.
set -eu
echo '#include "migrate.h"'
echo 'const migration_file MIGRATIONS[] = {'
for f in "$@"; do
  name=$(basename "$f" .sql)
  printf '  {"%s",\n' "$name"
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/   "/' -e 's/$/\\n"/' "$f"
  echo '  },'
done
echo '};'
echo "const int MIGRATION_COUNT = $#;"
