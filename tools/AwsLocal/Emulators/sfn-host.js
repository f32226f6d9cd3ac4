'use strict';
// Step Functions executions for tools/AwsLocal: runs each state machine's ASL definition in aws-local-stepfunctions
// (tests/tools/node_modules, 3.0.0). The .NET front (AwsModelServer) checks every request against the botocore model
// and SigV4, then forwards the operation here as POST /call {operation, input}. Task states call Lambda through
// @aws-sdk/client-lambda at AWS_ENDPOINT_URL_LAMBDA with the state machine role's credentials (the session token
// names the role). Terminal executions are posted as EventBridge "Step Functions Execution Status Change" events.
// Usage: node sfn-host.js <tools-dir> <config.json>; prints "listening <port>".
const path = require('path');
const fs = require('fs');
const http = require('http');
const crypto = require('crypto');

// aws-local-stepfunctions 3.0.0 targets Node 22; Promise.withResolvers is its only newer API used here (Node 20 lacks it).
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const [toolsDir, configPath] = process.argv.slice(2);
const config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
const { StateMachine, ExecutionAbortedError, ExecutionTimeoutError } = require(path.join(toolsDir, 'node_modules', 'aws-local-stepfunctions'));

const machines = new Map(config.stateMachines.map(m => [m.arn, m]));
const executions = new Map();

// Every Wait state and every state with a Retry, at any depth, gets the shortened pause.
function overrides(definition) {
  const waitTimeOverrides = {};
  const retryIntervalOverrides = {};
  const visit = states => {
    for (const [name, state] of Object.entries(states || {})) {
      if (state.Type === 'Wait') waitTimeOverrides[name] = config.waitMs;
      if (state.Retry) retryIntervalOverrides[name] = config.retryMs;
      for (const branch of state.Branches || []) visit(branch.States);
      if (state.Iterator) visit(state.Iterator.States);
      if (state.ItemProcessor) visit(state.ItemProcessor.States);
    }
  };
  visit(definition.States);
  return { waitTimeOverrides, retryIntervalOverrides };
}

const epoch = ms => ms / 1000;
const error = (status, type, message) => ({ status, body: { __type: type, message } });

function start(input) {
  const machine = machines.get(input.stateMachineArn);
  if (!machine) return error(400, 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${input.stateMachineArn}'`);
  const name = input.name || crypto.randomUUID();
  const executionInput = input.input === undefined ? '{}' : input.input;
  const arn = machine.arn.replace(':stateMachine:', ':execution:') + ':' + name;
  const existing = executions.get(arn);
  if (existing) {
    // Same name and input while running: the same execution (idempotent); otherwise the name is taken.
    if (existing.status === 'RUNNING' && existing.input === executionInput) {
      return { status: 200, body: { executionArn: arn, startDate: epoch(existing.startDate) } };
    }
    return error(400, 'ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
  }
  let parsed;
  try { parsed = JSON.parse(executionInput); } catch (e) { return error(400, 'InvalidExecutionInput', e.message); }
  const definition = JSON.parse(machine.definition);
  const execution = { arn, name, stateMachineArn: machine.arn, input: executionInput, status: 'RUNNING', startDate: Date.now(), events: [] };
  executions.set(arn, execution);
  const sm = new StateMachine(definition, {
    awsConfig: {
      region: config.region,
      credentials: { accessKeys: { accessKeyId: config.accessKey, secretAccessKey: config.secretKey, sessionToken: machine.roleLogicalId } },
    },
  });
  const run = sm.run(parsed, {
    overrides: overrides(definition),
    context: { Execution: { Id: arn, Name: name, Input: parsed, RoleArn: machine.roleArn, StartTime: new Date(execution.startDate).toISOString() } },
  });
  execution.abort = run.abort;
  (async () => {
    try { for await (const event of run.eventLogs) execution.events.push(summarize(event)); } catch { /* the result reports it */ }
  })();
  run.result.then(
    output => finish(execution, 'SUCCEEDED', { output: JSON.stringify(output) }),
    e => {
      if (e instanceof ExecutionAbortedError) return finish(execution, 'ABORTED', {});
      if (e instanceof ExecutionTimeoutError) return finish(execution, 'TIMED_OUT', { error: 'States.Timeout' });
      return finish(execution, 'FAILED', { error: e.name, cause: e.message });
    });
  return { status: 200, body: { executionArn: arn, startDate: epoch(execution.startDate) } };
}

function summarize(event) {
  const s = { type: event.type };
  if (event.state) s.state = event.state.name;
  if (event.Error !== undefined) s.error = event.Error;
  if (event.retry) s.attempt = event.retry.attempt;
  return s;
}

function finish(execution, status, result) {
  Object.assign(execution, result, { status, stopDate: Date.now() });
  const detail = {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status,
    startDate: execution.startDate,
    stopDate: execution.stopDate,
    input: execution.input,
    output: execution.output ?? null,
    error: execution.error ?? null,
    cause: execution.cause ?? null,
  };
  const event = {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: config.accountId,
    time: new Date(execution.stopDate).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: config.region,
    resources: [execution.arn],
    detail,
  };
  const body = JSON.stringify(event);
  const request = http.request(config.eventsUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } });
  request.on('error', e => console.error(`event delivery failed: ${e.message}`));
  request.end(body);
}

function describe(input) {
  const execution = executions.get(input.executionArn);
  if (!execution) return error(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
  const body = {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: epoch(execution.startDate),
    input: execution.input,
  };
  if (execution.stopDate) body.stopDate = epoch(execution.stopDate);
  if (execution.output !== undefined) body.output = execution.output;
  if (execution.error) body.error = execution.error;
  if (execution.cause) body.cause = execution.cause;
  return { status: 200, body };
}

function stop(input) {
  const execution = executions.get(input.executionArn);
  if (!execution) return error(400, 'ExecutionDoesNotExist', `Execution Does Not Exist: '${input.executionArn}'`);
  if (execution.status === 'RUNNING') execution.abort();
  return { status: 200, body: { stopDate: epoch(Date.now()) } };
}

const operations = { StartExecution: start, DescribeExecution: describe, StopExecution: stop };

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', c => chunks.push(c));
  req.on('end', () => {
    let answer;
    if (req.method === 'GET' && req.url === '/executions') {
      answer = { status: 200, body: [...executions.values()].map(({ abort, ...e }) => e) };
    } else if (req.method === 'POST' && req.url === '/call') {
      const { operation, input } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const handler = operations[operation];
      answer = handler ? handler(input) : error(400, 'UnknownOperationException', `${operation} is not served here`);
    } else {
      answer = error(404, 'NotFound', req.url);
    }
    const body = JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(body);
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => process.exit(0));
