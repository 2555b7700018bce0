import type { ClientOptions } from '../commons/client-settings';
import type { Clients } from '../commons/clients';
import { lazyPort } from '../commons/lazy-port';
import type { Mailer } from '../ports/mailer';

export interface MailerWiring {
  clients?: Pick<Clients, 'ses'>;
  clientOptions?: ClientOptions;
  configurationSet?: string;
}

/** The SES mailer, with the SES SDK loaded on the first send, not at cold start. */
export function lazySesMailer(wiring: MailerWiring): Mailer {
  return lazyPort<Mailer>(async () => {
    const [{ SesMailer }, client] = await Promise.all([import('./ses-mailer'), wiring.clients?.ses ?? import('../commons/ses-client').then((m) => m.createSesClient(wiring.clientOptions))]);
    return new SesMailer(client, wiring.configurationSet ? { configurationSetName: wiring.configurationSet } : {});
  });
}
