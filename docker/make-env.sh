#!/bin/sh
# Prints the secrets docker/compose.yaml needs, freshly random, as an env file:
#   sh docker/make-env.sh > docker/.env && chmod 600 docker/.env
# Keep the file (or its values in your secret store): SECRETS_KEY opens the
# secrets sealed in the database, and the passwords are set once, at the
# database's first start.
set -eu
random_hex() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }
echo "POSTGRES_PASSWORD=$(random_hex 16)"
echo "CADENCE_OWNER_PASSWORD=$(random_hex 16)"
echo "CADENCE_APP_PASSWORD=$(random_hex 16)"
echo "SECRETS_KEY=$(random_hex 32)"
