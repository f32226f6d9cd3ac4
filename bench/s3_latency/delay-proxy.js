'use strict';
// delay-proxy.js - an HTTP/1.1 forward proxy for one S3 endpoint that holds every message S3 sends back for a fixed
// delay, and counts the requests that pass. It models a network round trip of D ms between the client and S3:
//   - every interim "100 Continue" is passed to the client D ms after the upstream sent it;
//   - every final response head (and so its body) is passed to the client D ms after the upstream sent it;
//   - request bytes are forwarded at once.
// So a request without "Expect: 100-continue" costs one D, and a request with it costs two (the client waits for the
// 100 before it sends the body, as over a real network). "Expect" is forwarded unchanged, and the body is forwarded
// only after the upstream's 100 has been passed on. Not modelled: TCP and TLS connection setup (a new connection costs
// no extra D here; clients keep connections alive), bandwidth, and loss.
//
// Usage: node delay-proxy.js <upstream-url> [delay-ms] [listen-port] [--tls CERT.pem KEY.pem]
//   Prints "listening <port>" when ready (port 0 or none: any free port). With --tls the proxy is an HTTPS endpoint
//   (the client's side of the round trip is TLS, as with S3; the upstream stays plain HTTP).
// Control (not forwarded, not counted):
//   GET  /_proxy/stats         {"delayMs", "requests", "byOperation": {...}, "expect100": n,
//                               "checksumHeaders": {"x-amz-checksum-crc32c": n, ...}, "payloadHash": {"UNSIGNED-PAYLOAD"|"signed": n}}
//   POST /_proxy/reset         zeroes the counters
//   POST /_proxy/delay?ms=N    sets the delay for requests that start from now on
const http = require('http');
const https = require('https');
const fs = require('fs');

const upstream = new URL(process.argv[2] || '');
let delayMs = Number(process.argv[3] || 0);
const listenPort = Number(process.argv[4] || 0);
const tlsAt = process.argv.indexOf('--tls');
const tls = tlsAt > 0 ? { cert: fs.readFileSync(process.argv[tlsAt + 1]), key: fs.readFileSync(process.argv[tlsAt + 2]) } : null;
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

let stats;
const reset = () => {
  stats = { delayMs, requests: 0, byOperation: {}, expect100: 0, checksumHeaders: {}, payloadHash: {} };
};
reset();
const bump = (map, key) => { map[key] = (map[key] || 0) + 1; };

// The S3 operation a request is (path-style addressing: /bucket/key).
const operationOf = (method, url) => {
  const u = new URL(url, 'http://x');
  const q = u.searchParams;
  const hasKey = u.pathname.split('/').filter(s => s.length > 0).length > 1;
  switch (method) {
    case 'PUT': return q.has('partNumber') ? 'UploadPart' : hasKey ? 'PutObject' : 'PutBucket';
    case 'POST': return q.has('uploads') ? 'CreateMultipartUpload' : q.has('uploadId') ? 'CompleteMultipartUpload' : q.has('delete') ? 'DeleteObjects' : 'POST';
    case 'GET': return q.has('list-type') ? 'ListObjectsV2' : q.has('uploads') ? 'ListMultipartUploads' : hasKey ? 'GetObject' : 'ListObjects';
    case 'HEAD': return hasKey ? 'HeadObject' : 'HeadBucket';
    case 'DELETE': return q.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    default: return method;
  }
};

const later = fn => (delayMs > 0 ? setTimeout(fn, delayMs) : setImmediate(fn));

const control = (req, res) => {
  const u = new URL(req.url, 'http://x');
  if (req.method === 'GET' && u.pathname === '/_proxy/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(stats));
  }
  if (req.method === 'POST' && u.pathname === '/_proxy/reset') {
    reset();
    res.writeHead(204);
    return res.end();
  }
  if (req.method === 'POST' && u.pathname === '/_proxy/delay') {
    delayMs = Number(u.searchParams.get('ms'));
    stats.delayMs = delayMs;
    res.writeHead(204);
    return res.end();
  }
  res.writeHead(404);
  res.end();
};

const forward = (req, res, expectContinue) => {
  if (req.url.startsWith('/_proxy/')) return control(req, res);
  stats.requests++;
  bump(stats.byOperation, operationOf(req.method, req.url));
  if (expectContinue) stats.expect100++;
  for (const name of Object.keys(req.headers)) {
    if (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-algorithm') bump(stats.checksumHeaders, name);
  }
  const payload = req.headers['x-amz-content-sha256'];
  if (payload) bump(stats.payloadHash, /^[0-9a-f]{64}$/.test(payload) ? 'signed' : payload);

  const headers = { ...req.headers };
  delete headers.connection;
  delete headers['keep-alive'];
  const out = http.request({
    agent,
    host: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers,
  });
  let answered = false;
  out.on('continue', () => later(() => {
    if (answered) return;
    res.writeContinue();
    req.pipe(out);
  }));
  out.on('response', r => later(() => {
    answered = true;
    const h = { ...r.headers };
    delete h.connection;
    delete h['keep-alive'];
    res.writeHead(r.statusCode, r.statusMessage, h);
    r.pipe(res);
  }));
  out.on('error', e => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'text/plain' });
    }
    res.end(String(e));
  });
  req.on('aborted', () => out.destroy());
  if (expectContinue) {
    out.flushHeaders();
  } else {
    req.pipe(out);
  }
};

const server = tls
  ? https.createServer({ ...tls, keepAliveTimeout: 60000 }, (req, res) => forward(req, res, false))
  : http.createServer({ keepAliveTimeout: 60000 }, (req, res) => forward(req, res, false));
// Node answers "Expect: 100-continue" itself unless this event is handled: here the upstream's 100 is relayed instead.
server.on('checkContinue', (req, res) => forward(req, res, true));
server.listen(listenPort, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
