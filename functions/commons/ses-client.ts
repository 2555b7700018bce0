import { SESClient } from '@aws-sdk/client-ses';
import { clientSettings, type ClientOptions } from './client-settings';

/** SES v1: `SendRawEmail` keeps our own headers (List-Unsubscribe); it reads `AWS_ENDPOINT_URL_SES`. */
export function createSesClient(options: ClientOptions = {}): SESClient {
  return new SESClient(clientSettings('ses', options));
}
