import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { ENVIRONMENT } from '../functions/commons/environment';
import { STREAM_VIEW_TYPE, TABLE_KEYS } from '../functions/store/table-schema';

export interface RankingStoreProps {
  /** Deletion protection on (production). */
  protect: boolean;
}

/**
 * The single table (keys from `functions/store/table-schema.ts`, shared with local mode):
 * on-demand, point-in-time recovery, encrypted, TTL on send-log items, and a stream that
 * drives notify. Retained when the stack is deleted: the stored history is the product.
 */
export class RankingStore extends Construct {
  readonly table: dynamodb.Table;

  constructor(scope: Construct, id: string, props: RankingStoreProps) {
    super(scope, id);
    const { partitionKey, sortKey, gsi1, ttlAttribute } = TABLE_KEYS;
    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.protect,
      timeToLiveAttribute: ttlAttribute,
      stream: dynamodb.StreamViewType[STREAM_VIEW_TYPE],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: gsi1.indexName,
      partitionKey: { name: gsi1.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: gsi1.sortKey, type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /** Sets the function's table name and grants item reads (and writes) on the table and its index. */
  bindTo(fn: lambda.Function, access: 'read' | 'readWrite'): void {
    fn.addEnvironment(ENVIRONMENT.tableName, this.table.tableName);
    const reads = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    // Named actions on the table and its one index (not index/*, not Scan): every read is a key lookup or a Query.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access === 'read' ? reads : [...reads, ...writes],
        resources: [this.table.tableArn, `${this.table.tableArn}/index/${TABLE_KEYS.gsi1.indexName}`],
      }),
    );
  }
}
