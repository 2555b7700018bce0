import { clientSettings } from '../commons/client-settings';
import { ENVIRONMENT } from '../commons/environment';
import { once } from './compose-deps';

const PARAMETER_MAX_AGE_SECONDS = 300;

/**
 * The HMAC key for subscription tokens from Secrets Manager, through Powertools Parameters (cached
 * five minutes) on a client with the project's settings; loaded on first use.
 */
export function tokenSecretReader(secretId: () => string = () => process.env[ENVIRONMENT.tokenSecretArn] ?? ''): () => Promise<string> {
  const provider = once(async () => {
    const [{ SecretsProvider }, { SecretsManagerClient }] = await Promise.all([
      import('@aws-lambda-powertools/parameters/secrets'),
      import('@aws-sdk/client-secrets-manager'),
    ]);
    return new SecretsProvider({ awsSdkV3Client: new SecretsManagerClient(clientSettings('secretsmanager')) });
  });
  return async () => {
    const id = secretId();
    if (!id) throw new Error(`environment variable ${ENVIRONMENT.tokenSecretArn} is not set`);
    const secret = await (await provider()).get(id, { maxAge: PARAMETER_MAX_AGE_SECONDS });
    if (typeof secret !== 'string' || !secret) throw new Error('the token secret is empty');
    return secret;
  };
}
