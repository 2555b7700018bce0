/**
 * Lambda environment variables: the CDK stack sets them, the Lambda composition root (`functions/composition/lambda-root.ts`) reads them.
 * One list so the two cannot drift apart.
 */
export const ENVIRONMENT = {
  tableName: 'TABLE_NAME',
  archiveBucket: 'ARCHIVE_BUCKET',
  /** JSON array of SourceConfig. */
  sources: 'SOURCES',
  sender: 'SENDER_ADDRESS',
  configurationSet: 'SES_CONFIGURATION_SET',
  operatorEmail: 'OPERATOR_EMAIL',
  subscriptionUrl: 'SUBSCRIPTION_URL',
  /** ARN of the Secrets Manager secret holding the HMAC key for subscription tokens. */
  tokenSecretArn: 'TOKEN_SECRET_ARN',
  topN: 'TOP_N',
  minResolutionRate: 'MIN_RESOLUTION_RATE',
  maxTotalDrop: 'MAX_TOTAL_DROP',
  sendRatePerSecond: 'SEND_RATE_PER_SECOND',
  /** URL of the SQS queue notify fans subscriber batches out to. */
  deliveryQueueUrl: 'DELIVERY_QUEUE_URL',
  /** Subscribers per delivery message. */
  deliveryBatchSize: 'DELIVERY_BATCH_SIZE',
  /** Deliver invocations at once. */
  deliveryConcurrency: 'DELIVERY_CONCURRENCY',
  /** The deliver function's timeout; the send lease derives from it. */
  deliverTimeoutSeconds: 'DELIVER_TIMEOUT_SECONDS',
  /** SSM parameter holding the subscription Function URL (the function cannot hold its own URL). */
  subscriptionUrlParameter: 'SUBSCRIPTION_URL_PARAMETER',
} as const;
