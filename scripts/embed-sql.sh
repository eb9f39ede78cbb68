#!/bin/sh
# Emits a C file holding SQL files (name and text) in the order given, as the array ARRAY and its
# length COUNT: the migrations, and the functions re-applied at every start.
# Usage: embed-sql.sh ARRAY COUNT FILE...
set -eu
array=$1 count=$2
shift 2
echo '#include "migrate.h"'
echo "const migration_file $array[] = {"
for f in "$@"; do
  name=$(basename "$f" .sql)
  printf '  {"%s",\n' "$name"
  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/   "/' -e 's/$/\\n"/' "$f"
  echo '  },'
done
echo '};'
echo "const int $count = $#;"
