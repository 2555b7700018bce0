import type { Command } from 'commander';
import type { LocalRuntime } from './runtime';

/**
 * `detainer-watch webhook EMAIL URL` registers (or replaces) a subscriber's webhook and prints its
 * signing secret once; `webhook EMAIL --remove` stops it. The URL passes the same SSRF checks as
 * the preferences page; a refusal is one line and stores nothing.
 */
export function addWebhookCommand(
  program: Command,
  withLocal: <T>(work: (local: LocalRuntime) => Promise<T>) => Promise<T>,
  fail: (message: string) => Error,
  out: (line: string) => void,
): void {
  program
    .command('webhook')
    .description("register a subscriber's webhook (alerts POSTed as signed JSON), or remove it")
    .argument('<email>')
    .argument('[url]', 'https URL; a Slack incoming webhook gets Slack messages')
    .option('--remove', 'stop webhook deliveries to this subscriber')
    .action(async (emailText: string, urlText: string | undefined, options: { remove?: boolean }) => {
      const url = urlText ?? '';
      if (!options.remove && !url) throw fail('webhook: give a URL, or --remove');
      const [{ normaliseEmail }, { registerWebhook, removeWebhook }, { WebhookUrlRefused }] = await Promise.all([
        import('../functions/subscription/subscribe'),
        import('../functions/webhook/register-webhook'),
        import('../functions/webhook/webhook-url'),
      ]);
      await withLocal(async (local) => {
        let email: string;
        try {
          email = normaliseEmail(emailText);
        } catch (error) {
          throw fail((error as Error).message);
        }
        if (options.remove) {
          out((await removeWebhook(local.deps, email)) ? `${email}: webhook removed.` : `${email}: no webhook; nothing to do.`);
          return;
        }
        const registered = await registerWebhook(local.deps, email, url).catch((error: Error) => {
          throw fail(error instanceof WebhookUrlRefused ? `${url}: ${error.message}` : error.message);
        });
        out(`${email}: alerts will also be POSTed to ${registered.url}`);
        out(`signing secret (shown once, keep it to check X-Detainer-Watch-Signature): ${registered.secret}`);
      });
    });
}
