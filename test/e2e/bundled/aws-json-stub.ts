import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The two AWS JSON-protocol calls the bundled chain makes that no emulator here answers: SQS
 * `SendMessageBatch` (notify hands batches to the delivery queue) and Secrets Manager
 * `GetSecretValue` (deliver signs unsubscribe links). Each sent body is handed to `onMessage`.
 */
export async function startAwsJsonStub(options: {
  secret: string;
  onMessage: (body: string) => void;
}): Promise<{ url: string; stop(): Promise<void> }> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = JSON.parse(text || '{}') as { Entries?: { Id: string; MessageBody: string }[]; SecretId?: string };
      let answer: unknown;
      if (target === 'AmazonSQS.SendMessageBatch') {
        for (const entry of input.Entries ?? []) options.onMessage(entry.MessageBody);
        answer = {
          Successful: (input.Entries ?? []).map((e) => ({
            Id: e.Id,
            MessageId: randomUUID(),
            MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex'),
          })),
          Failed: [],
        };
      } else if (target === 'secretsmanager.GetSecretValue') {
        answer = { ARN: input.SecretId, Name: 'token', SecretString: options.secret, VersionId: '1' };
      } else {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: target }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
