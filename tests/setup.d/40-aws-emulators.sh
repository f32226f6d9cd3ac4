#!/usr/bin/env bash
# Checks what the AWS adapter and Lambda tests start: node (with the legacy OpenSSL provider, which s3rver's
# DES-encrypted ListObjectsV2 continuation tokens need on Node 17+), s3rver and dynalite from tests/tools.
set -euo pipefail
cd "$(dirname "$0")/../tools"
command -v node >/dev/null || { echo "node is required by the AWS emulator tests" >&2; exit 1; }
node --openssl-legacy-provider -e "require('crypto').createCipheriv('des', Buffer.alloc(8), Buffer.alloc(8))" \
  || { echo "node cannot use DES even with --openssl-legacy-provider" >&2; exit 1; }
test -x node_modules/.bin/s3rver || { echo "s3rver missing: run tests/setup.d/20-npm-tools.sh" >&2; exit 1; }
test -x node_modules/.bin/dynalite || { echo "dynalite missing: run tests/setup.d/20-npm-tools.sh" >&2; exit 1; }
echo "aws emulators: node $(node --version), s3rver $(node -p "require('./node_modules/s3rver/package.json').version"), dynalite $(node -p "require('./node_modules/dynalite/package.json').version")"
