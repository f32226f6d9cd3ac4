'use strict';
// dynalite (tests/tools/node_modules, 4.0.0, in memory) behind a logging proxy on 127.0.0.1: every request is appended
// to the request log as {"principal", "action": "dynamodb:<Op>", "resource": table or index ARN} before it is forwarded.
// The principal is the request's session token (X-Amz-Security-Token), which tools/AwsLocal sets to the role's logical id.
// Usage: node dynalite-host.js <tools-dir> <request-log> <region> <account>; prints "listening <port>".
const path = require('path');
const fs = require('fs');
const http = require('http');

const [toolsDir, requestLog, region, account] = process.argv.slice(2);
const dynalite = require(path.join(toolsDir, 'node_modules', 'dynalite'))({ createTableMs: 1, deleteTableMs: 1, updateTableMs: 1 });

const tableArn = table => `arn:aws:dynamodb:${region}:${account}:table/${table}`;

function resources(operation, body) {
  const one = (table, index) => (index ? `${tableArn(table)}/index/${index}` : tableArn(table));
  if (body.TableName) return [one(body.TableName, body.IndexName)];
  if (body.RequestItems) return Object.keys(body.RequestItems).map(t => one(t));
  if (body.TransactItems) {
    return body.TransactItems.map(item => Object.values(item)[0]).map(op => one(op.TableName));
  }
  return [`arn:aws:dynamodb:${region}:${account}:table/*`];
}

dynalite.listen(0, '127.0.0.1', () => {
  const target = dynalite.address().port;
  const proxy = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const operation = String(req.headers['x-amz-target'] || '').split('.').pop();
      let parsed = {};
      try { parsed = JSON.parse(body.toString('utf8') || '{}'); } catch { /* dynalite answers it */ }
      const principal = req.headers['x-amz-security-token'] || 'anonymous';
      const lines = resources(operation, parsed)
        .map(resource => JSON.stringify({ principal, action: `dynamodb:${operation}`, resource }) + '\n').join('');
      fs.appendFileSync(requestLog, lines);
      const forward = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers }, answer => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', e => { res.writeHead(500); res.end(e.message); });
      forward.end(body);
    });
  });
  proxy.listen(0, '127.0.0.1', () => console.log(`listening ${proxy.address().port}`));
});
process.on('SIGTERM', () => process.exit(0));
