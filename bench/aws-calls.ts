/**
 * Counts AWS calls per operation, items written and capacity units consumed, through the SDK's
 * own middleware stack, so the bench sees exactly what the adapters send.
 */
import type { Clients } from '../functions/commons/clients';

export interface AwsCallCount {
  calls: Record<string, number>;
  /** Items put, updated or deleted (a TransactWriteItems counts each of its items). */
  itemsWritten: number;
  readUnits: number;
  writeUnits: number;
}

export class AwsCallCounter {
  private count: AwsCallCount = AwsCallCounter.empty();

  private static empty(): AwsCallCount {
    return { calls: {}, itemsWritten: 0, readUnits: 0, writeUnits: 0 };
  }

  /** Adds the counting middleware to every client; `measureCapacity` asks DynamoDB for consumed units. */
  attach(clients: Partial<Clients> & Record<string, unknown>, options: { measureCapacity?: boolean } = {}): void {
    for (const [service, client] of Object.entries(clients)) {
      const stack = (client as { middlewareStack?: { add: (...args: unknown[]) => void } } | undefined)?.middlewareStack;
      if (!stack) continue;
      stack.add(
        (
          next: (args: { input: Record<string, unknown> }) => Promise<{ output: Record<string, unknown> }>,
          context: { commandName?: string },
        ) =>
          async (args: { input: Record<string, unknown> }) => {
            const name = `${service}.${(context.commandName ?? 'unknown').replace(/Command$/, '')}`;
            this.count.calls[name] = (this.count.calls[name] ?? 0) + 1;
            this.count.itemsWritten += itemsWrittenBy(context.commandName ?? '', args.input);
            if (
              options.measureCapacity &&
              service === 'dynamodb' &&
              !context.commandName?.startsWith('Describe') &&
              !context.commandName?.startsWith('Create')
            ) {
              args.input.ReturnConsumedCapacity = 'TOTAL';
            }
            const result = await next(args);
            for (const consumed of [result.output.ConsumedCapacity ?? []].flat() as Array<{
              ReadCapacityUnits?: number;
              WriteCapacityUnits?: number;
              CapacityUnits?: number;
            }>) {
              this.count.readUnits += consumed.ReadCapacityUnits ?? 0;
              this.count.writeUnits += consumed.WriteCapacityUnits ?? 0;
              if (
                consumed.ReadCapacityUnits === undefined &&
                consumed.WriteCapacityUnits === undefined &&
                consumed.CapacityUnits !== undefined
              ) {
                if (/^(Get|Query|Scan|BatchGet|TransactGet)/.test(context.commandName ?? ''))
                  this.count.readUnits += consumed.CapacityUnits;
                else this.count.writeUnits += consumed.CapacityUnits;
              }
            }
            return result;
          },
        { step: 'initialize', name: `benchCounter-${service}`, override: true },
      );
    }
  }

  reset(): void {
    this.count = AwsCallCounter.empty();
  }

  snapshot(): AwsCallCount {
    return structuredClone(this.count);
  }

  total(): number {
    return Object.values(this.count.calls).reduce((sum, n) => sum + n, 0);
  }
}

function itemsWrittenBy(command: string, input: Record<string, unknown>): number {
  switch (command) {
    case 'PutItemCommand':
    case 'PutCommand':
    case 'UpdateItemCommand':
    case 'UpdateCommand':
    case 'DeleteItemCommand':
    case 'DeleteCommand':
      return 1;
    case 'TransactWriteItemsCommand':
    case 'TransactWriteCommand':
      return ((input.TransactItems as Array<Record<string, unknown>>) ?? []).filter((item) => !item.ConditionCheck).length;
    case 'BatchWriteItemCommand':
    case 'BatchWriteCommand':
      return Object.values((input.RequestItems as Record<string, unknown[]>) ?? {}).reduce((sum, list) => sum + list.length, 0);
    default:
      return 0;
  }
}
