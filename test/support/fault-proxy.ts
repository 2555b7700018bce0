import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom } from '../../scripts/seeded-random';

/** Which protocol the proxied service speaks: decides how an error answer is shaped. */
type ProxiedService = 'dynamodb' | 's3' | 'ses' | 'http';

/**
 * - `http500` / `http503`: the service answers a server error (nothing happened there).
 * - `throttle`: DynamoDB `ThrottlingException` or `ProvisionedThroughputExceededException` (JSON 400),
 *   S3 `SlowDown` (503 XML), SES `Throttling` (400 query-protocol XML), 429 for a plain HTTP source.
 * - `reset`: the connection is destroyed before anything is forwarded.
 * - `stall`: nothing is forwarded and nothing answered until `stallMs` (past the client timeout).
 * - `lost-ack`: forwarded, the service answers (it took effect), then the client socket is
 *   destroyed before a byte of the answer reaches it.
 */
export type FaultKind = 'http500' | 'http503' | 'throttle' | 'reset' | 'stall' | 'lost-ack';
export const FAULT_KINDS: FaultKind[] = ['http500', 'http503', 'throttle', 'reset', 'stall', 'lost-ack'];

/** What the proxy knows about one request, for matching rules and tracing. */
export interface ProxiedRequest {
  seq: number;
  service: ProxiedService;
  method: string;
  path: string;
  /** DynamoDB `X-Amz-Target` action, SES `Action`, or `<METHOD> object|bucket` for S3. */
  operation: string;
  /** SES destinations of a send; empty otherwise. */
  recipients: string[];
  /** Request body as text for DynamoDB and SES (small JSON / form bodies); empty for S3 and HTTP. */
  body: string;
}

interface ProxyDecision extends Omit<ProxiedRequest, 'body'> {
  fault: FaultKind | 'pass' | 'hold';
  /** Status the service answered, when the request was forwarded. */
  upstreamStatus?: number;
  /** Set when the rule that decided was a scripted one (not the random rate). */
  rule?: string;
}

/** A scripted decision: at the `nth` request matching `match` (every match when absent). */
interface ProxyRule {
  name: string;
  match: (request: ProxiedRequest) => boolean;
  nth?: number;
  /** `hold` never forwards and never answers (a process about to be killed). */
  action: FaultKind | 'hold' | 'pass';
  /** Called when the rule fires (for `lost-ack`: after the service answered). */
  onFire?: (request: ProxiedRequest) => void;
}

export interface FaultProxyOptions {
  target: string;
  service: ProxiedService;
  /** Share of requests faulted at random, 0..1. */
  rate?: number;
  kinds?: FaultKind[];
  seed?: number;
  /** How long a stalled request is held before the proxy drops it. */
  stallMs?: number;
  /** Only requests this accepts are faulted at random (others pass). */
  eligible?: (request: ProxiedRequest) => boolean;
}

export interface FaultProxy {
  url: string;
  decisions: ProxyDecision[];
  setRate(rate: number, kinds?: FaultKind[]): void;
  addRule(rule: ProxyRule): void;
  clearRules(): void;
  stop(): Promise<void>;
}

function operationOf(service: ProxiedService, req: IncomingMessage, body: string): string {
  if (service === 'dynamodb')
    return (
      String(req.headers['x-amz-target'] ?? '')
        .split('.')
        .at(-1) ?? ''
    );
  if (service === 'ses') return new URLSearchParams(body).get('Action') ?? '';
  if (service === 's3') {
    const segments = new URL(req.url ?? '/', 'http://proxy').pathname.split('/').filter(Boolean);
    return `${req.method} ${segments.length > 1 ? 'object' : 'bucket'}`;
  }
  return `${req.method}`;
}

function recipientsOf(service: ProxiedService, body: string): string[] {
  if (service !== 'ses') return [];
  const form = new URLSearchParams(body);
  return [...form.entries()]
    .filter(([key]) => /^Destinations?\.member\.\d+$|^Destination\.ToAddresses\.member\.\d+$/.test(key))
    .map(([, value]) => value);
}

function errorAnswer(
  service: ProxiedService,
  kind: 'http500' | 'http503' | 'throttle',
  random: () => number,
): { status: number; headers: Record<string, string>; body: string } {
  const requestId = Math.floor(random() * 1e12).toString(16);
  if (service === 'dynamodb') {
    const json = { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': requestId };
    if (kind === 'throttle') {
      const type = random() < 0.5 ? 'ThrottlingException' : 'ProvisionedThroughputExceededException';
      return {
        status: 400,
        headers: json,
        body: JSON.stringify({
          __type: `com.amazonaws.dynamodb.v20120810#${type}`,
          message: 'Rate of requests exceeds the allowed throughput.',
        }),
      };
    }
    return kind === 'http500'
      ? {
          status: 500,
          headers: json,
          body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'Internal server error' }),
        }
      : {
          status: 503,
          headers: json,
          body: JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ServiceUnavailable', message: 'Service unavailable' }),
        };
  }
  if (service === 's3') {
    const xml = { 'content-type': 'application/xml', 'x-amz-request-id': requestId };
    const [status, code, message] =
      kind === 'throttle'
        ? [503, 'SlowDown', 'Please reduce your request rate.']
        : kind === 'http500'
          ? [500, 'InternalError', 'We encountered an internal error. Please try again.']
          : [503, 'ServiceUnavailable', 'Service unavailable.'];
    return {
      status,
      headers: xml,
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`,
    };
  }
  if (service === 'ses') {
    const xml = { 'content-type': 'text/xml', 'x-amzn-requestid': requestId };
    const [status, type, code, message] =
      kind === 'throttle'
        ? [400, 'Sender', 'Throttling', 'Maximum sending rate exceeded.']
        : kind === 'http500'
          ? [500, 'Receiver', 'InternalFailure', 'Internal failure.']
          : [503, 'Receiver', 'ServiceUnavailable', 'Service unavailable.'];
    return {
      status,
      headers: xml,
      body: `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    };
  }
  const status = kind === 'throttle' ? 429 : kind === 'http500' ? 500 : 503;
  return { status, headers: { 'content-type': 'text/plain' }, body: `fault ${status}` };
}

/**
 * A fault-injecting HTTP proxy in front of one service (DynamoDB Local, s3rver, aws-ses-v2-local
 * or an HTTP release source), on 127.0.0.1. Headers (including `Host`) are forwarded unchanged so
 * SigV4 signatures still verify at the emulator. Every request and its fate is recorded in
 * `decisions`, so each duplicate a test finds can be traced to the lost acknowledgement behind it.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const random = seededRandom(options.seed ?? 1);
  const target = new URL(options.target);
  const stallMs = options.stallMs ?? 3_000;
  let rate = options.rate ?? 0;
  let kinds = options.kinds ?? FAULT_KINDS;
  const rules: { rule: ProxyRule; seen: number }[] = [];
  const decisions: ProxyDecision[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let seq = 0;

  const forward = (
    req: IncomingMessage,
    body: Buffer,
    res: ServerResponse,
    decision: ProxyDecision,
    loseAnswer: (() => void) | null,
  ): void => {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          decision.upstreamStatus = answer.statusCode;
          if (loseAnswer) {
            loseAnswer();
            return;
          }
          if (res.destroyed) return;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          res.end(Buffer.concat(chunks));
        });
        answer.on('error', () => res.destroy());
      },
    );
    upstream.on('error', () => res.destroy());
    upstream.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const service = options.service;
    const text = service === 'dynamodb' || service === 'ses' ? body.toString('utf8') : '';
    const request: ProxiedRequest = {
      seq: ++seq,
      service,
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      operation: operationOf(service, req, text),
      recipients: recipientsOf(service, text),
      body: text,
    };
    const { body: _body, ...traced } = request;
    const decision: ProxyDecision = { ...traced, fault: 'pass' };
    decisions.push(decision);

    let fired: ProxyRule | undefined;
    // Every rule counts its own matches, whether or not an earlier rule fires on this request.
    for (const entry of rules) {
      if (!entry.rule.match(request)) continue;
      entry.seen++;
      if (!fired && (entry.rule.nth === undefined || entry.rule.nth === entry.seen)) fired = entry.rule;
    }
    let fault: FaultKind | 'hold' | 'pass' = 'pass';
    if (fired) {
      fault = fired.action;
      decision.rule = fired.name;
    } else if (rate > 0 && (options.eligible?.(request) ?? true)) {
      // Draw both numbers every time so the sequence of decisions depends on the seed alone.
      const roll = random();
      const pick = kinds[Math.floor(random() * kinds.length)];
      if (roll < rate) fault = pick;
    }
    decision.fault = fault;
    if (fired && fault !== 'lost-ack') fired.onFire?.(request);

    switch (fault) {
      case 'pass':
        forward(req, body, res, decision, null);
        return;
      case 'http500':
      case 'http503':
      case 'throttle': {
        const answer = errorAnswer(service, fault, random);
        res.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
        res.end(req.method === 'HEAD' ? undefined : answer.body);
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'stall': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          req.socket.destroy();
        }, stallMs);
        timers.add(timer);
        return;
      }
      case 'hold':
        return;
      case 'lost-ack':
        forward(req, body, res, decision, () => {
          req.socket.destroy();
          fired?.onFire?.(request);
        });
        return;
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
    req.on('error', () => res.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    decisions,
    setRate(next, nextKinds) {
      rate = next;
      if (nextKinds) kinds = nextKinds;
    },
    addRule(rule) {
      rules.push({ rule, seen: 0 });
    },
    clearRules() {
      rules.length = 0;
    },
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
