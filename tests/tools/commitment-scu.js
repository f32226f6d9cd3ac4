#!/usr/bin/env node
// A Storage Commitment SCU that is not ours (dcmjs-dimse): on one association it C-STOREs the files, sends the
// N-ACTION (PS3.4 J.3.2) for them and for each --also CLASS:UID, and keeps the association open for the
// N-EVENT-REPORT (J.3.3), which it answers and prints as one JSON line before releasing.
// Usage: node commitment-scu.js HOST PORT CALLING_AE CALLED_AE TIMEOUT_SECONDS [--also CLASS:UID]... FILE...
// Exit code: 0 when a report arrived on this association, 2 when none came within the timeout, 3 on a network error.
'use strict';

const dimse = require('dcmjs-dimse');
const { Client, Dataset } = dimse;
const { CStoreRequest, NActionRequest } = dimse.requests;
const { NEventReportResponse } = dimse.responses;
const { Status, SopClass } = dimse.constants;

// Their logs go to stdout, which carries this script's JSON lines: keep only errors.
dimse.log.setLevel('error');
require('dcmjs').log.setLevel('error');

const StorageCommitmentPushModelInstance = '1.2.840.10008.1.20.1.1';

const [host, port, callingAe, calledAe, timeoutSeconds, ...rest] = process.argv.slice(2);
const also = [];
const files = [];
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--also') {
    const [sopClassUid, sopInstanceUid] = rest[++i].split(':');
    also.push({ sopClassUid, sopInstanceUid });
  } else {
    files.push(rest[i]);
  }
}

const asList = (value) => (value === undefined ? [] : [].concat(value));
const out = (line) => process.stdout.write(JSON.stringify(line) + '\n');

const client = new Client();
const references = [];
for (const file of files) {
  const dataset = Dataset.fromFile(file);
  references.push({ sopClassUid: dataset.getElement('SOPClassUID'), sopInstanceUid: dataset.getElement('SOPInstanceUID') });
  const store = new CStoreRequest(dataset);
  store.on('response', (response) => out({ store: dataset.getElement('SOPInstanceUID'), status: response.getStatus() }));
  client.addRequest(store);
}
references.push(...also);

const transactionUid = Dataset.generateDerivedUid();
const action = new NActionRequest(SopClass.StorageCommitmentPushModel, StorageCommitmentPushModelInstance, 1);
action.setDataset(new Dataset({
  TransactionUID: transactionUid,
  ReferencedSOPSequence: references.map((r) => ({ ReferencedSOPClassUID: r.sopClassUid, ReferencedSOPInstanceUID: r.sopInstanceUid })),
}));
action.on('response', (response) => out({ action: transactionUid, status: response.getStatus() }));
client.addRequest(action);

let reported = false;
client.on('nEventReportRequest', (request, callback) => {
  const report = request.getDataset().getElements();
  out({
    report: report.TransactionUID,
    eventTypeId: request.getEventTypeId(),
    committed: asList(report.ReferencedSOPSequence).map((i) => i.ReferencedSOPInstanceUID),
    failed: asList(report.FailedSOPSequence).map((i) => ({ sopInstanceUid: i.ReferencedSOPInstanceUID, failureReason: i.FailureReason })),
  });
  const response = NEventReportResponse.fromRequest(request);
  response.setStatus(Status.Success);
  callback(response);
  reported = true;
  // The client releases only when its linger time ends; once the report is answered there is nothing left to wait for.
  setTimeout(() => client.network && client.network.sendAssociationReleaseRequest(), 200);
});
client.on('associationReleased', () => {
  out({ released: true });
  process.exit(reported ? 0 : 2);
});
client.on('associationRejected', (result) => {
  out({ rejected: result });
  process.exit(3);
});
client.on('networkError', (error) => {
  out({ networkError: String(error) });
  process.exit(reported ? 0 : 3);
});

const timeoutMs = Number(timeoutSeconds) * 1000;
setTimeout(() => {
  out({ timeout: true });
  process.exit(2);
}, timeoutMs + 5000).unref();
client.send(host, Number(port), callingAe, calledAe, { associationLingerTimeout: timeoutMs });
