#!/bin/sh
# Installs the npm tools the tests use (tests/package.json) when they are missing or older than
# tests/package-lock.json (a checkout that added one, say puppeteer-core, installs it).
cd "$(dirname "$0")" || exit 1
[ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] && exit 0
npm ci --no-audit --no-fund --loglevel=error
