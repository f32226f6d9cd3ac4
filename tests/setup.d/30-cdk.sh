#!/usr/bin/env bash
# The AWS CDK CLI the deploy tests use to prove `cdk synth` works offline from deploy/ (cdk.json context only).
# Installed into tests/tools/cdk (its own prefix, separate from the shared tests/tools/package.json).
set -euo pipefail
cd "$(dirname "$0")/../tools"
version=2.1148.1
installed=$(node -p "try { require('./cdk/node_modules/aws-cdk/package.json').version } catch { '' }")
if [ "$installed" != "$version" ]; then
  npm install --prefix cdk --no-audit --no-fund --loglevel=error --no-save "aws-cdk@$version"
fi
test -x cdk/node_modules/.bin/cdk
command -v node >/dev/null
echo "aws-cdk: $(cdk/node_modules/.bin/cdk --version 2>/dev/null | head -1)"
