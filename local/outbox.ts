import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer } from '../functions/ports/mailer';

export interface OutboxEntry {
  file: string;
  html?: string;
  to: string;
  subject: string;
  sentAt: string;
  messageId: string;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

/**
 * Local mode keeps a copy of every message SES accepted under `<home>/outbox/`: the raw MIME as
 * `.eml` (opens in any mail client) and the HTML part as `.html` (opens in a browser).
 */
export function outboxMailer(inner: Mailer, dir: string): Mailer {
  let sequence = 0;
  return {
    async sendRaw(message) {
      const result = await inner.sendRaw(message);
      await mkdir(dir, { recursive: true });
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const base = `${stamp}-${String(++sequence).padStart(3, '0')}-${slug(message.to)}-${slug(message.subject ?? 'message')}`;
      await writeFile(join(dir, `${base}.eml`), message.raw);
      if (message.html) await writeFile(join(dir, `${base}.html`), message.html);
      await writeFile(
        join(dir, `${base}.json`),
        JSON.stringify(
          { to: message.to, subject: message.subject ?? '', sentAt: new Date().toISOString(), messageId: result.messageId },
          null,
          2,
        ),
      );
      return result;
    },
  };
}

export async function listOutbox(dir: string): Promise<OutboxEntry[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const entries: OutboxEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const meta = JSON.parse(await readFile(join(dir, name), 'utf8')) as Omit<OutboxEntry, 'file' | 'html'>;
    const base = name.slice(0, -'.json'.length);
    const html = names.includes(`${base}.html`) ? join(dir, `${base}.html`) : undefined;
    entries.push({ ...meta, file: join(dir, `${base}.eml`), ...(html ? { html } : {}) });
  }
  return entries;
}
