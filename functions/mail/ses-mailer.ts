import { type SESClient, SendRawEmailCommand, type SendRawEmailCommandInput, type SendRawEmailCommandOutput } from '@aws-sdk/client-ses';
import type { FinalizeHandler, FinalizeHandlerArguments } from '@smithy/types';
import type { Mailer } from '../ports/mailer';
import { isAmbiguousSendError } from './ambiguous-send';

export { isAmbiguousSendError };

export interface SesMailerOptions {
  /** SES configuration set carrying bounce/complaint events to the feedback step. */
  configurationSetName?: string;
}

/**
 * Sends through the SES v1 `SendRawEmail` (aws-ses-v2-local accepts it too). SES has no
 * idempotency key, so every SDK attempt after a lost acknowledgement may deliver a second copy;
 * the call reports such a case (`retriedAfterAmbiguous`) and the send log records it.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESClient,
    private readonly options: SesMailerOptions = {},
  ) {}

  async sendRaw(message: {
    from: string;
    to: string;
    raw: Buffer;
    html?: string;
    subject?: string;
  }): Promise<{ messageId: string; retriedAfterAmbiguous?: boolean }> {
    const command = new SendRawEmailCommand({
      Source: message.from,
      Destinations: [message.to],
      RawMessage: { Data: message.raw },
      ...(this.options.configurationSetName ? { ConfigurationSetName: this.options.configurationSetName } : {}),
    });
    let ambiguousAttempt = false;
    // Runs once per SDK attempt, inside the retry loop: remembers an attempt whose outcome is unknown.
    command.middlewareStack.addRelativeTo(
      (next: FinalizeHandler<SendRawEmailCommandInput, SendRawEmailCommandOutput>) =>
        async (args: FinalizeHandlerArguments<SendRawEmailCommandInput>) => {
          try {
            return await next(args);
          } catch (error) {
            if (isAmbiguousSendError(error)) ambiguousAttempt = true;
            throw error;
          }
        },
      { relation: 'after', toMiddleware: 'retryMiddleware', name: 'ambiguousAttemptMiddleware' },
    );
    let messageId: string;
    try {
      const output = await this.client.send(command);
      if (!output.MessageId) throw new Error('SES accepted the message without a MessageId');
      messageId = output.MessageId;
    } catch (error) {
      if (ambiguousAttempt && error && typeof error === 'object') Object.assign(error, { ambiguous: true });
      throw error;
    }
    return ambiguousAttempt ? { messageId, retriedAfterAmbiguous: true } : { messageId };
  }
}
