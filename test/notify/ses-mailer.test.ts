import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MessageRejected, SESClient, SendRawEmailCommand } from '@aws-sdk/client-ses';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createClients } from '../../functions/commons/all-clients';
import { isAmbiguousSendError, SesMailer } from '../../functions/mail/ses-mailer';
import { sesMessages, uniqueName, useEmulators } from '../support/emulators';

const env = useEmulators({ table: false, bucket: false });

function rawMessage(to: string, subject: string): Buffer {
  return Buffer.from(
    [
      `From: detainer-watch <alerts@example.org>`,
      `To: ${to}`,
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Denver County, CO rises to #2.',
      '',
    ].join('\r\n'),
  );
}

const OK_RESPONSE =
  '<SendRawEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendRawEmailResult><MessageId>fake-id-1</MessageId></SendRawEmailResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></SendRawEmailResponse>';

function errorResponse(code: string, message: string): string {
  return `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r2</RequestId></ErrorResponse>`;
}

const servers: Server[] = [];

/** A stand-in for SES on 127.0.0.1 whose nth request (from 1) gets `behaviour(n)`. */
async function fakeSes(
  behaviour: (n: number) => 'reset' | 'stall' | 'ok' | { status: number; body: string },
): Promise<{ url: string; requests: () => number }> {
  let count = 0;
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const action = behaviour(++count);
      if (action === 'reset') return request.socket.destroy();
      if (action === 'stall') return;
      const { status, body } = action === 'ok' ? { status: 200, body: OK_RESPONSE } : action;
      response.writeHead(status, { 'content-type': 'text/xml' }).end(body);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => count };
}

async function mailerFor(url: string, maxAttempts: number): Promise<SesMailer> {
  const { ses } = await createClients({ endpoints: { ses: url }, maxAttempts, timeouts: { ses: { requestMs: 500, connectionMs: 500 } } });
  return new SesMailer(ses);
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('SesMailer against aws-ses-v2-local', () => {
  it('sends the raw message, which the service then holds for the recipient', async () => {
    // Prepare
    const mailer = new SesMailer(env.clients.ses, { configurationSetName: 'detainer-watch' });
    const to = `${uniqueName('reader')}@example.org`;

    // Act
    const { messageId } = await mailer.sendRaw({
      from: 'alerts@example.org',
      to,
      raw: rawMessage(to, 'FY2017 Q2: Denver County, CO rises to #2'),
    });

    // Assess
    const stored = await sesMessages(env.endpoints.ses, to);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ messageId, subject: 'FY2017 Q2: Denver County, CO rises to #2' });
    expect(stored[0].body.text).toContain('Denver County, CO rises to #2.');
  });
});

describe('SesMailer failures', () => {
  it('marks a send whose every attempt lost its connection as ambiguous', async () => {
    // Prepare
    const ses = await fakeSes(() => 'reset');

    // Act
    const attempt = (await mailerFor(ses.url, 2)).sendRaw({
      from: 'a@example.org',
      to: 'b@example.org',
      raw: rawMessage('b@example.org', 'x'),
    });

    // Assess
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ECONNRESET' });
    expect(isAmbiguousSendError(error)).toBe(true);
    expect(ses.requests()).toBe(2);
  });

  it('reports a success that came after a lost acknowledgement as a possible duplicate', async () => {
    // Prepare
    const ses = await fakeSes((n) => (n === 1 ? 'reset' : 'ok'));

    // Act
    const result = await (await mailerFor(ses.url, 3)).sendRaw({
      from: 'a@example.org',
      to: 'b@example.org',
      raw: rawMessage('b@example.org', 'x'),
    });

    // Assess
    expect(result).toEqual({ messageId: 'fake-id-1', retriedAfterAmbiguous: true });
  });

  it('treats a stalled answer past the request timeout as ambiguous', async () => {
    // Prepare
    const ses = await fakeSes(() => 'stall');

    // Act
    const error = await (await mailerFor(ses.url, 1))
      .sendRaw({ from: 'a@example.org', to: 'b@example.org', raw: rawMessage('b@example.org', 'x') })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(isAmbiguousSendError(error)).toBe(true);
  });

  it('does not retry a rejection and does not call it ambiguous', async () => {
    // Prepare
    const ses = await fakeSes(() => ({ status: 400, body: errorResponse('MessageRejected', 'Email address is not verified.') }));

    // Act
    const error = await (await mailerFor(ses.url, 4))
      .sendRaw({ from: 'a@example.org', to: 'b@example.org', raw: rawMessage('b@example.org', 'x') })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'MessageRejected' });
    expect(isAmbiguousSendError(error)).toBe(false);
    expect(ses.requests()).toBe(1);
  });

  it('retries throttling, and a throttled send that never got through is not ambiguous', async () => {
    // Prepare
    const ses = await fakeSes(() => ({ status: 400, body: errorResponse('Throttling', 'Maximum sending rate exceeded.') }));

    // Act
    const error = await (await mailerFor(ses.url, 2))
      .sendRaw({ from: 'a@example.org', to: 'b@example.org', raw: rawMessage('b@example.org', 'x') })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Throttling' });
    expect(isAmbiguousSendError(error)).toBe(false);
    expect(ses.requests()).toBe(2);
  });

  it('calls a throttled last attempt ambiguous when an earlier attempt lost its answer', async () => {
    // Prepare
    const ses = await fakeSes((n) =>
      n === 1 ? 'reset' : { status: 400, body: errorResponse('Throttling', 'Maximum sending rate exceeded.') },
    );

    // Act
    const error = await (await mailerFor(ses.url, 2))
      .sendRaw({ from: 'a@example.org', to: 'b@example.org', raw: rawMessage('b@example.org', 'x') })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ name: 'Throttling' });
    expect(isAmbiguousSendError(error)).toBe(true);
  });

  it('does not call a refused connection ambiguous: nothing reached SES', async () => {
    // Prepare
    const ses = await fakeSes(() => 'ok');
    const closed = servers.pop()!;
    await new Promise((resolve) => closed.close(resolve));

    // Act
    const error = await (await mailerFor(ses.url, 1))
      .sendRaw({ from: 'a@example.org', to: 'b@example.org', raw: rawMessage('b@example.org', 'x') })
      .catch((e: unknown) => e);

    // Assess
    expect(error).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isAmbiguousSendError(error)).toBe(false);
  });

  it('passes the configuration set and a single destination to SendRawEmail', async () => {
    // Prepare
    const ses = mockClient(SESClient);
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'm-1' });
    const mailer = new SesMailer(new SESClient({ region: 'us-east-1' }), { configurationSetName: 'dw-events' });

    // Act
    const result = await mailer.sendRaw({ from: 'alerts@example.org', to: 'reader@example.org', raw: Buffer.from('raw') });

    // Assess
    expect(result).toEqual({ messageId: 'm-1' });
    expect(ses.commandCalls(SendRawEmailCommand)[0].args[0].input).toEqual({
      Source: 'alerts@example.org',
      Destinations: ['reader@example.org'],
      RawMessage: { Data: Buffer.from('raw') },
      ConfigurationSetName: 'dw-events',
    });
    ses.restore();
  });

  it('classifies errors an SES answer produced as not ambiguous', () => {
    // Prepare
    const rejected = new MessageRejected({ message: 'rejected', $metadata: { httpStatusCode: 400 } });
    const serverError = Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    const connectTimeout = Object.assign(new Error('did not establish a connection'), { name: 'TimeoutError' });

    // Act
    const verdicts = [rejected, serverError, connectTimeout, null].map(isAmbiguousSendError);

    // Assess
    expect(verdicts).toEqual([false, false, false, false]);
  });
});
