import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClients } from '../../../functions/commons/all-clients';
import { isChangeInsert, RELEASE_QUEUE } from '../../../functions/composition/event-sources';
import { LocalChain } from '../../../local/chain';
import { LocalQueue } from '../../../local/local-queue';
import { S3Notifications } from '../../../local/s3-notifications';
import { StreamReader } from '../../../local/stream-reader';
import { createStreamsClient } from '../../../local/streams-client';
import { startAwsJsonStub } from './aws-json-stub';

/**
 * Runs the chain on the built Lambda bundles, in plain Node as Lambda loads them: each step's
 * `index.mjs` is imported (its module init composes from the environment, as in Lambda) and its
 * `handler` gets the events of the real shapes from local event sources. Prints one line
 * `RESULT {...}` with what is left on the queues.
 *
 *   node --import tsx run-chain.ts BUNDLES_DIR   (env: the Lambda variables and AWS_ENDPOINT_URL_*)
 */
const bundles = process.argv[2];
const deliveries = new LocalQueue({ name: 'deliveries', visibilityTimeoutSeconds: 720, maxReceiveCount: 5 });
const stub = await startAwsJsonStub({ secret: 'bundled-chain-secret', onMessage: (body) => deliveries.send(body) });
process.env.AWS_ENDPOINT_URL_SQS = stub.url;
process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = stub.url;
// The SQS client sends to the queue URL's own host (as in AWS, where that is the SQS endpoint).
process.env.DELIVERY_QUEUE_URL = `${stub.url}/000000000000/deliveries`;

// Typed loosely: a bundle is plain JavaScript, whatever its step.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (event: any, context: any) => Promise<any>;
const load = async (step: string) => ((await import(pathToFileURL(join(bundles, step, 'index.mjs')).href)) as { handler: Handler }).handler;
const [ingest, notify, deliver] = await Promise.all([load('ingest'), load('notify'), load('deliver')]);

const endpoints = {
  dynamodb: process.env.AWS_ENDPOINT_URL_DYNAMODB!,
  s3: process.env.AWS_ENDPOINT_URL_S3!,
  ses: process.env.AWS_ENDPOINT_URL_SES!,
};
const clients = await createClients({ endpoints });
const streams = createStreamsClient({ endpoints: { dynamodbstreams: endpoints.dynamodb } });
const releases = new LocalQueue({
  name: 'releases',
  visibilityTimeoutSeconds: RELEASE_QUEUE.visibilityTimeoutSeconds,
  maxReceiveCount: RELEASE_QUEUE.maxReceiveCount,
});
const context = () =>
  ({
    functionName: 'bundled',
    awsRequestId: 'r',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:0:function:bundled',
    memoryLimitInMB: '512',
    functionVersion: '$LATEST',
    getRemainingTimeInMillis: () => 60_000,
  }) as never;
const stream = new StreamReader({ dynamodb: clients.dynamodb as never, streams, tableName: process.env.TABLE_NAME!, context }, [
  { name: 'notify', handler: notify, filter: isChangeInsert },
]);
const chain = new LocalChain({
  poll: async () => [],
  ingest,
  deliver,
  releases,
  deliveries,
  notifications: new S3Notifications({
    s3: clients.s3,
    bucket: process.env.ARCHIVE_BUCKET!,
    prefix: RELEASE_QUEUE.prefix,
    queue: releases,
  }),
  stream,
  deliveryConcurrency: 2,
  deliverTimeoutSeconds: 120,
});
try {
  await chain.drain();
  process.stdout.write(
    `RESULT ${JSON.stringify({ releases: releases.stats(), deliveries: deliveries.stats(), streamDeadLetters: stream.deadLetters('notify').length })}\n`,
  );
} finally {
  clients.dynamodb.destroy();
  clients.s3.destroy();
  clients.ses.destroy();
  streams.destroy();
  await stub.stop();
}
