#!/usr/bin/env bash
# npm protocol servers used by the AWS adapter tests, the ASL validator used by the deploy tests, and dcmjs-dimse,
# a storage commitment SCU that is not ours (tests/tools/commitment-scu.js).
set -euo pipefail
cd "$(dirname "$0")/../tools"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund --loglevel=error; else npm install --no-audit --no-fund --loglevel=error; fi
test -x node_modules/.bin/s3rver
test -x node_modules/.bin/dynalite
test -x node_modules/.bin/asl-validator
test -f node_modules/aws-local-stepfunctions/package.json
test -f node_modules/dcmjs-dimse/package.json
