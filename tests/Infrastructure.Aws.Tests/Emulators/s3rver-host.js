'use strict';
// Starts s3rver (tests/tools/node_modules/s3rver, 3.7.1) on 127.0.0.1 with an OS-chosen port and prints
// "listening <port>". s3rver lacks three S3 behaviours the adapter relies on; they are added here, per the S3 API:
//   AbortMultipartUpload  DELETE /{bucket}/{key}?uploadId=…   → 204, the parts are removed (404 NoSuchUpload if unknown)
//   ListMultipartUploads  GET /{bucket}?uploads[&prefix=…]      → ListMultipartUploadsResult
//   x-amz-checksum-sha256 on PUT (PutObject, UploadPart): the body is hashed, a mismatch is 400 BadDigest, and the
//                         checksum is echoed in the response as S3 does.
// Usage: node s3rver-host.js <tools-dir> <data-dir> <bucket>...
const path = require('path');
const fs = require('fs');
const crypto = require('crypto');
const { Readable } = require('stream');

const [toolsDir, dataDir, ...buckets] = process.argv.slice(2);
const S3rver = require(path.join(toolsDir, 'node_modules', 's3rver'));

const uploadsDir = bucket => path.join(dataDir, bucket, '._S3rver_uploads');
const xml = body => '<?xml version="1.0" encoding="UTF-8"?>\n' + body;
const esc = s => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
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
  const expected = ctx.get('x-amz-checksum-sha256');
  if (ctx.method === 'PUT' && key && expected) {
    const chunks = [];
    for await (const chunk of ctx.req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const actual = crypto.createHash('sha256').update(body).digest('base64');
    if (actual !== expected) {
      return error(ctx, 400, 'BadDigest', `The SHA256 you specified did not match the calculated checksum (${actual}).`);
    }
    const replay = Readable.from([body]);
    replay.headers = ctx.req.headers;
    ctx.req = replay;
    await next();
    if (ctx.status === 200) ctx.set('x-amz-checksum-sha256', expected);
    return;
  }
  return next();
};

const server = new S3rver({
  address: '127.0.0.1',
  port: 0,
  silent: true,
  directory: dataDir,
  configureBuckets: buckets.map(name => ({ name, configs: [] })),
});
server.middleware.unshift(extension);
server.run((err, { port } = {}) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  console.log(`listening ${port}`);
});
process.on('SIGTERM', () => process.exit(0));
