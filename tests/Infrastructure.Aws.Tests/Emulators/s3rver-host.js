'use strict';
// Starts s3rver (tests/tools/node_modules/s3rver, 3.7.1) on 127.0.0.1 with an OS-chosen port and prints
// "listening <port>". s3rver lacks three S3 behaviours the adapter relies on; they are added here, per the S3 API:
//   AbortMultipartUpload  DELETE /{bucket}/{key}?uploadId=…   → 204, the parts are removed (404 NoSuchUpload if unknown)
//   ListMultipartUploads  GET /{bucket}?uploads[&prefix=…]      → ListMultipartUploadsResult
//   x-amz-checksum-sha256 or x-amz-checksum-crc32c on PUT (PutObject, UploadPart): the body is hashed, a mismatch
//                         is 400 BadDigest, and the checksum is echoed in the response as S3 does.
// Optional, for tools/AwsLocal (environment variables):
//   S3RVER_REQUEST_LOG=<file>      appends {"principal", "action", "resource"} per request (IAM action and ARN, the
//                                  principal is the session token, X-Amz-Security-Token)
//   S3RVER_NOTIFICATIONS=<file>    {"lambdaEndpoint", "region", "eventLog", "notifications": [{bucket, events, prefix,
//                                  suffix, functionArn}]}: ObjectCreated events are delivered to the function through
//                                  the Lambda Invoke API (asynchronous invocation), as the bucket's NotificationConfiguration says
// Usage: node s3rver-host.js <tools-dir> <data-dir> <bucket>...
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');
const { Readable } = require('stream');
const http = require('http');

const [toolsDir, dataDir, ...buckets] = process.argv.slice(2);
// S3 lists keys in UTF-8 binary order; s3rver walks its folders in name order, which lists "a/0" before "a-c/3"
// ('/' sorts after '-'). Its folder walk is replaced, before s3rver loads it, by one that visits each folder's entries
// in the order of the keys they hold: a folder as its name and '/', an object file as its key's last segment.
const s3rverUtils = require(path.join(toolsDir, 'node_modules', 's3rver', 'lib', 'utils'));
const objectFileSuffix = '._S3rver_object';
s3rverUtils.walk = function* walkInKeyOrder(dir, recurseFilter) {
  const entries = fs.readdirSync(dir).map(name => {
    const filePath = path.posix.join(dir, name);
    const isDirectory = fs.statSync(filePath).isDirectory();
    const sortKey = isDirectory ? name + '/' : name.endsWith(objectFileSuffix) ? name.slice(0, -objectFileSuffix.length) : name;
    return { filePath, isDirectory, sortKey };
  });
  entries.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  for (const entry of entries) {
    if (!entry.isDirectory) {
      yield entry.filePath;
    } else if (!recurseFilter || recurseFilter(entry.filePath)) {
      yield* walkInKeyOrder(entry.filePath, recurseFilter);
    }
  }
};
const S3rver = require(path.join(toolsDir, 'node_modules', 's3rver'));

const uploadsDir = bucket => path.join(dataDir, bucket, '._S3rver_uploads');
const xml = body => '<?xml version="1.0" encoding="UTF-8"?>\n' + body;
const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) as S3 writes it: the four bytes big-endian, in base64.
const crc32cTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  return c >>> 0;
});
const crc32c = body => {
  let c = 0xffffffff;
  for (let i = 0; i < body.length; i++) c = crc32cTable[(c ^ body[i]) & 0xff] ^ (c >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((c ^ 0xffffffff) >>> 0);
  return out.toString('base64');
};
const checksums = {
  'x-amz-checksum-sha256': body => crypto.createHash('sha256').update(body).digest('base64'),
  'x-amz-checksum-crc32c': crc32c,
};

const error = (ctx, status, code, message) => {
  ctx.status = status;
  ctx.type = 'application/xml';
  ctx.body = xml(`<Error><Code>${code}</Code><Message>${esc(message)}</Message></Error>`);
};

const extension = async (ctx, next) => {
  const segments = ctx.path.split('/').filter(s => s.length > 0);
  const bucket = segments[0];
  const key = segments.slice(1).map(decodeURIComponent).join('/');
  if (ctx.method === 'DELETE' && bucket && key && ctx.query.uploadId !== undefined) {
    const dir = path.join(uploadsDir(bucket), path.basename(ctx.query.uploadId));
    if (!fs.existsSync(dir) || fs.readFileSync(path.join(dir, 'key'), 'utf8') !== key) {
      return error(ctx, 404, 'NoSuchUpload', 'The specified multipart upload does not exist.');
    }
    fs.rmSync(dir, { recursive: true, force: true });
    ctx.status = 204;
    return;
  }
  if (ctx.method === 'GET' && bucket && !key && ctx.query.uploads !== undefined) {
    const prefix = ctx.query.prefix || '';
    const root = uploadsDir(bucket);
    const uploads = fs.existsSync(root) ? fs.readdirSync(root) : [];
    const entries = uploads
      .map(id => ({ id, key: fs.readFileSync(path.join(root, id, 'key'), 'utf8') }))
      .filter(u => u.key.startsWith(prefix))
      .map(u => `<Upload><Key>${esc(u.key)}</Key><UploadId>${u.id}</UploadId></Upload>`)
      .join('');
    ctx.status = 200;
    ctx.type = 'application/xml';
    ctx.body = xml(`<ListMultipartUploadsResult><Bucket>${esc(bucket)}</Bucket><Prefix>${esc(prefix)}</Prefix>` +
      `<IsTruncated>false</IsTruncated>${entries}</ListMultipartUploadsResult>`);
    return;
  }
  const header = Object.keys(checksums).find(h => ctx.get(h));
  if (ctx.method === 'PUT' && key && header) {
    const expected = ctx.get(header);
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const actual = checksums[header](body);
    if (actual !== expected) {
      return error(ctx, 400, 'BadDigest', `The ${header} you specified did not match the calculated checksum (${actual}).`);
    }
    const replay = Readable.from([body]);
    replay.headers = ctx.req.headers;
    ctx.req = replay;
    await next();
    if (ctx.status === 200) ctx.set(header, expected);
    return;
  }
  return next();
};

// The IAM action S3 authorizes a request by (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html).
function iamAction(method, key, query, headers) {
  const has = name => query[name] !== undefined;
  if (!key) {
    if (method === 'GET' && has('uploads')) return 's3:ListBucketMultipartUploads';
    if (method === 'GET' || method === 'HEAD') return 's3:ListBucket';
    if (method === 'PUT') return 's3:CreateBucket';
    if (method === 'DELETE') return 's3:DeleteBucket';
    if (method === 'POST' && has('delete')) return 's3:DeleteObject';
    return `s3:${method}Bucket`;
  }
  if (method === 'GET' && has('uploadId')) return 's3:ListMultipartUploadParts';
  if (method === 'GET' || method === 'HEAD') return has('tagging') ? 's3:GetObjectTagging' : 's3:GetObject';
  if (method === 'PUT' || method === 'POST') return has('tagging') ? 's3:PutObjectTagging' : 's3:PutObject';
  if (method === 'DELETE') return has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject';
  return `s3:${method}Object`;
}

const requestLog = process.env.S3RVER_REQUEST_LOG;
const notifications = process.env.S3RVER_NOTIFICATIONS ? JSON.parse(fs.readFileSync(process.env.S3RVER_NOTIFICATIONS, 'utf8')) : null;

const logRequest = async (ctx, next) => {
  const segments = ctx.path.split('/').filter(s => s.length > 0);
  const bucket = segments[0];
  const key = segments.slice(1).map(decodeURIComponent).join('/');
  if (requestLog && bucket) {
    const principal = ctx.get('x-amz-security-token') || ctx.query['X-Amz-Security-Token'] || 'anonymous';
    const action = iamAction(ctx.method, key, ctx.query, ctx.headers);
    const resource = key ? `arn:aws:s3:::${bucket}/${key}` : `arn:aws:s3:::${bucket}`;
    fs.appendFileSync(requestLog, JSON.stringify({ principal, action, resource }) + '\n');
  }
  await next();
  if (notifications && bucket && key && ctx.status === 200) {
    const completed = ctx.method === 'POST' && ctx.query.uploadId !== undefined;
    const put = ctx.method === 'PUT' && ctx.query.uploadId === undefined && !ctx.get('x-amz-copy-source');
    const copied = ctx.method === 'PUT' && ctx.get('x-amz-copy-source');
    if (completed || put || copied) {
      const eventName = completed ? 'ObjectCreated:CompleteMultipartUpload' : copied ? 'ObjectCreated:Copy' : 'ObjectCreated:Put';
      notify(bucket, key, eventName, ctx);
    }
  }
};

function matches(configuration, bucket, key, eventName) {
  return configuration.bucket === bucket && key.startsWith(configuration.prefix) && key.endsWith(configuration.suffix) &&
    configuration.events.some(e => e === 's3:' + eventName || (e.endsWith(':*') && ('s3:' + eventName).startsWith(e.slice(0, -1))));
}

// The S3 event notification message (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
function notify(bucket, key, eventName, ctx) {
  const file = path.join(dataDir, bucket, key + '._S3rver_object');
  const size = fs.existsSync(file) ? fs.statSync(file).size : Number(ctx.get('content-length') || 0);
  for (const configuration of notifications.notifications.filter(n => matches(n, bucket, key, eventName))) {
    const event = {
      Records: [{
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: notifications.region,
        eventTime: new Date().toISOString(),
        eventName,
        userIdentity: { principalId: 'AWS:' + (ctx.get('x-amz-security-token') || 'anonymous') },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': crypto.randomBytes(8).toString('hex').toUpperCase(), 'x-amz-id-2': crypto.randomBytes(32).toString('base64') },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'awslocal',
          bucket: { name: bucket, ownerIdentity: { principalId: 'AWSLOCAL' }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
            size,
            eTag: String(ctx.response.get('ETag') || '').replace(/"/g, ''),
            sequencer: Date.now().toString(16).toUpperCase().padStart(16, '0'),
          },
        },
      }],
    };
    const body = JSON.stringify(event);
    if (notifications.eventLog) fs.appendFileSync(notifications.eventLog, JSON.stringify({ functionArn: configuration.functionArn, event }) + '\n');
    const url = `${notifications.lambdaEndpoint}/2015-03-31/functions/${encodeURIComponent(configuration.functionArn)}/invocations`;
    const request = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-amz-invocation-type': 'Event', 'x-amz-security-token': 's3.amazonaws.com' },
    });
    request.on('error', e => console.error(`notification to ${configuration.functionArn} failed: ${e.message}`));
    request.on('response', r => r.resume());
    request.end(body);
  }
}

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dataDir,
  configureBuckets: buckets.map(name => ({ name, configs: [] })),
});
server.middleware.unshift(extension);
server.middleware.unshift(logRequest);
server.run((err, { port } = {}) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`listening ${port}`);
});
process.on('SIGTERM', () => process.exit(0));
