#!/usr/bin/env bash
# cdk-nag 3.0.2 with the aws-cdk-lib it needs (its own prefix: the deploy app stays on Amazon.CDK.Lib 2.160), used by
# tests/Deploy.Tests CdkNagTests through tests/tools/nag/run-nag.js.
set -euo pipefail
cd "$(dirname "$0")/../tools/nag"
npm ci --no-audit --no-fund --loglevel=error
node -e "require('cdk-nag'); require('aws-cdk-lib/cloudformation-include')"
echo "cdk-nag: $(node -p "require('./node_modules/cdk-nag/package.json').version"), aws-cdk-lib $(node -p "require('./node_modules/aws-cdk-lib/package.json').version")"
