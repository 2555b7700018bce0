import { alertSubject } from '../domain/email';
import { type Jurisdiction, jurisdictionLabel } from '../domain/jurisdiction';
import type { Delivery } from '../ports/channel';

/** Receivers of a Slack incoming webhook get Slack's message format instead of the JSON document. */
export function isSlackWebhook(url: URL): boolean {
  return url.hostname.toLowerCase() === 'hooks.slack.com';
}

/** The body POSTed for one delivery: the subscriber's digest as a JSON document, or a Slack message. */
export function webhookBody(delivery: Delivery, url: URL): string {
  return JSON.stringify(isSlackWebhook(url) ? slackMessage(delivery) : changeDocument(delivery));
}

/** `rankings.changed`: one document per (change, subscriber); `id` is the idempotency key. */
function changeDocument({ digest, idempotencyKey }: Delivery) {
  return {
    type: 'rankings.changed',
    id: idempotencyKey,
    headline: alertSubject(digest),
    change: {
      id: digest.id,
      source: digest.source,
      release: digest.release,
      url: digest.url,
      publishedAt: digest.publishedAt ?? null,
      firstSeen: digest.firstSeen,
    },
    quarters: digest.quarters.map((q) => ({
      quarter: q.quarter,
      kind: q.kind,
      complete: q.complete,
      baseline: q.baseline,
      topN: q.topN,
      totalBefore: q.totalBefore,
      totalAfter: q.totalAfter,
      rows: q.after.rows
        .filter((row) => row.rank <= q.topN)
        .map((row) => ({ rank: row.rank, ...place(row.jurisdiction), declined: row.declined })),
      entered: q.entered.map((m) => ({ ...place(m.jurisdiction), from: m.from, to: m.to })),
      left: q.left.map((m) => ({ ...place(m.jurisdiction), from: m.from, to: m.to })),
      moved: q.moved.map((m) => ({ ...place(m.jurisdiction), from: m.from, to: m.to })),
      deltas: q.deltas.map((d) => ({ ...place(d.jurisdiction), before: d.before, after: d.after })),
    })),
    unresolved: digest.unresolved,
  };
}

function place(j: Jurisdiction) {
  return { fips: j.kind === 'county' ? j.fips : null, name: j.name, state: j.state ?? null };
}

const SLACK_SECTION_LIMIT = 2900;

/** `{ text, blocks }`: `text` is the notification line, the blocks show each quarter's top rows. */
function slackMessage({ digest }: Delivery) {
  const headline = alertSubject(digest);
  const sections = digest.quarters.slice(0, 10).map((q) => {
    const lines = q.after.rows
      .filter((row) => row.rank <= q.topN)
      .map((row) => `${row.rank}. ${escapeSlack(jurisdictionLabel(row.jurisdiction))}: ${row.declined}`);
    const text = `*${q.quarter}* (${q.kind.replace('-', ' ')}${q.complete ? '' : ', partial'})\n${lines.join('\n')}`;
    return {
      type: 'section',
      text: { type: 'mrkdwn', text: text.length > SLACK_SECTION_LIMIT ? `${text.slice(0, SLACK_SECTION_LIMIT)}…` : text },
    };
  });
  return {
    text: headline,
    blocks: [{ type: 'header', text: { type: 'plain_text', text: headline.slice(0, 150) } }, ...sections],
  };
}

/** Slack reads `&`, `<` and `>` as markup. */
function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
