#!/usr/bin/env node
// Runs cdk-nag's AwsSolutions and HIPAA Security rule packs over a synthesized CloudFormation template.
// Usage: node run-nag.js TEMPLATE.json SUPPRESSIONS.json
// The template is imported with cloudformation_include.CfnInclude into an aws-cdk-lib app of the version cdk-nag 3
// needs (the deploy app itself stays on 2.160). Each suppression names a rule, the logical-id prefix of the resources
// it covers (the CDK construct path without the hash) and a reason; it covers every finding of that rule on those
// resources. Prints one JSON object on stdout: { findings: [unsuppressed { plugin, rule, resource, level, message }],
// suppressed: [...], unusedSuppressions: [...] } and exits 0; it fails (exit 2) only when it could not run.
'use strict';
const fs = require('fs');
const path = require('path');
const os = require('os');
const { App, LegacyStackSynthesizer, Stack, Validations } = require('aws-cdk-lib');
const { CfnInclude } = require('aws-cdk-lib/cloudformation-include');
const { AwsSolutionsChecks, HIPAASecurityChecks } = require('cdk-nag');

function main() {
  const [templateFile, suppressionsFile] = process.argv.slice(2);
  if (!templateFile || !suppressionsFile) {
    throw new Error('usage: node run-nag.js TEMPLATE.json SUPPRESSIONS.json');
  }
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf8'));
  const suppressions = JSON.parse(fs.readFileSync(suppressionsFile, 'utf8'));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-nag-'));
  const app = new App({ outdir, context: { '@aws-cdk/core:validationReportJson': true } });
  // The imported template brings its own BootstrapVersion parameter and rule.
  const stack = new Stack(app, 'Nag', { synthesizer: new LegacyStackSynthesizer() });
  const included = new CfnInclude(stack, 'Template', { templateFile, preserveLogicalIds: true });
  for (const s of suppressions) {
    if (!s.rule || !s.resource || !s.reason || s.reason.length < 20) {
      throw new Error(`suppression ${JSON.stringify(s)} needs a rule, a resource and a reason`);
    }
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app));
  try {
    app.synth();
  } catch (e) {
    // A violation makes synth throw after it wrote the report.
    if (!fs.existsSync(path.join(outdir, 'policy-validation-report.json'))) {
      throw e;
    }
  }
  const reportFile = path.join(outdir, 'policy-validation-report.json');
  const report = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) : { pluginReports: [] };
  const findings = [];
  const suppressed = [];
  const used = new Set();
  for (const plugin of report.pluginReports ?? []) {
    for (const violation of plugin.violations ?? []) {
      for (const construct of violation.violatingConstructs ?? []) {
        const finding = {
          plugin: plugin.summary?.pluginName,
          rule: violation.ruleName,
          resource: logicalIdOf(construct),
          level: violation.severity,
          message: violation.description,
        };
        // A rule such as AwsSolutions-IAM5 reports one finding per wildcard, as AwsSolutions-IAM5[Resource::...].
        const baseRule = finding.rule.replace(/\[.*$/, '');
        const index = suppressions.findIndex(s => s.rule === baseRule && matches(finding.resource, s.resource));
        if (index >= 0) {
          used.add(index);
          suppressed.push({ ...finding, reason: suppressions[index].reason });
        } else {
          findings.push(finding);
        }
      }
    }
  }
  const unusedSuppressions = suppressions.filter((_, i) => !used.has(i));
  process.stdout.write(JSON.stringify({ findings, suppressed, unusedSuppressions }, null, 1) + '\n');
  fs.rmSync(outdir, { recursive: true, force: true });
}

/** The included resource's logical id: the last element of its construct path (Nag/Template/LOGICALID). */
function logicalIdOf(construct) {
  if (construct.resourceLogicalId && construct.resourceLogicalId !== 'N/A') {
    return construct.resourceLogicalId;
  }
  const parts = (construct.constructPath ?? '').split('/');
  return parts.length >= 3 ? parts[2] : construct.constructPath ?? 'unknown';
}

/** A logical id is the construct path without separators plus an 8-hex-digit hash; a suppression names the path part. */
function matches(logicalId, prefix) {
  return logicalId.startsWith(prefix) && /^[0-9A-F]{8}$/.test(logicalId.slice(prefix.length))
    || logicalId === prefix;
}

try {
  main();
} catch (e) {
  process.stderr.write(String(e && e.stack || e) + '\n');
  process.exit(2);
}
