import { describe, expect, it } from 'vitest';
import { TABLE_KEYS } from '../../functions/store/table-schema';
import { resourcesOf, synthesize } from './synthesize';

describe('RankingStore', () => {
  it('declares the table of table-schema.ts: keys, index, TTL and a NEW_IMAGE stream', () => {
    // Act
    const { template } = synthesize();

    // Assess
    const [table] = Object.values(resourcesOf(template, 'AWS::DynamoDB::Table'));
    expect(table.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [{ IndexName: TABLE_KEYS.gsi1.indexName, Projection: { ProjectionType: 'ALL' } }],
      TimeToLiveSpecification: { AttributeName: TABLE_KEYS.ttlAttribute, Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('is on-demand, encrypted, point-in-time recoverable and retained', () => {
    // Act
    const { template } = synthesize();

    // Assess
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: false,
      },
    });
  });

  it('turns deletion protection on in production', () => {
    // Act
    const { template } = synthesize({ stage: 'prod' });

    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });
});
