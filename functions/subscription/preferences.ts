import type { Deps } from '../commons/deps';
import { escapeHtml as e } from '../domain/email/html';
import type { Subscriber } from '../domain/subscriber';
import { registerWebhook, removeWebhook } from '../webhook/register-webhook';
import { type WebhookUrlPolicy, WebhookUrlRefused } from '../webhook/webhook-url';
import { type FilterFields, fieldsFromFilters, fieldsOf, parseFilters } from './form-input';
import { subscriberOfLink } from './link-subscriber';
import { errorSummary, field, type HttpResponse, htmlPage, messagePage } from './pages';
import { fromOwnSite, type HttpRequest, isFormPost, MAX_FORM_BYTES, reject } from './request-guard';
import { filterFieldsMarkup } from './subscribe-page';
import { tooLarge } from './subscribe-request';

interface PreferencesState {
  fields: FilterFields;
  webhook: string;
  errors: Record<string, string>;
}

/** `GET /preferences?token=`: the subscriber's filters and webhook, editable, and a button that stops everything. */
export async function handlePreferencesGet(deps: Deps, request: HttpRequest): Promise<HttpResponse> {
  const token = request.query.token ?? '';
  const subscriber = await activeSubscriber(deps, token);
  if (!subscriber) return notFound(deps, subscriber === null);
  const state = { fields: await fieldsFromFilters(subscriber.filters), webhook: subscriber.webhook?.url ?? '', errors: {} };
  return preferencesPage(deps, 200, token, subscriber, state);
}

/**
 * `POST /preferences`: `action=save` replaces the filters and the webhook (a new URL is checked and
 * gets a new secret, shown once; an empty one removes it), `action=stop` unsubscribes. The token in
 * the form is the owner's link and the Origin check keeps other sites from posting it.
 */
export async function handlePreferencesPost(
  deps: Deps,
  request: HttpRequest,
  siteOrigin: string,
  webhookPolicy: WebhookUrlPolicy,
): Promise<HttpResponse> {
  if (Buffer.byteLength(request.body ?? '') > MAX_FORM_BYTES) return tooLarge(deps);
  if (!isFormPost(request) || !fromOwnSite(request, siteOrigin)) {
    reject(deps, 'origin');
    return messagePage(403, 'Form not accepted', 'This form can only be sent from its page. Open the link in your email and try again.');
  }
  const form = new URLSearchParams(request.body ?? '');
  const token = form.get('token') ?? '';
  const subscriber = await activeSubscriber(deps, token);
  if (!subscriber) return notFound(deps, subscriber === null);
  if (form.get('action') === 'stop') {
    await deps.subscribers.setSubscriberStatus(subscriber.email, 'unsubscribed', 'stopped on the preferences page');
    deps.log.info('unsubscribed', { known: true, via: 'preferences' });
    return messagePage(200, 'All alerts stopped', 'You will not receive detainer-watch alerts any more, by email or webhook.');
  }
  const state: PreferencesState = { fields: fieldsOf(form), webhook: (form.get('webhook') ?? '').trim(), errors: {} };
  const parsed = await parseFilters(state.fields, deps.config.topN);
  if (!parsed.filters) {
    reject(deps, 'invalid-input');
    return preferencesPage(deps, 400, token, subscriber, { ...state, errors: parsed.errors });
  }
  let secret: string | undefined;
  if (state.webhook && !sameActiveWebhook(subscriber, state.webhook)) {
    try {
      ({ secret } = await registerWebhook(deps, subscriber.email, state.webhook, webhookPolicy));
    } catch (error) {
      if (!(error instanceof WebhookUrlRefused)) throw error;
      reject(deps, 'webhook-url');
      return preferencesPage(deps, 400, token, subscriber, { ...state, errors: { webhook: error.message } });
    }
  } else if (!state.webhook && subscriber.webhook) {
    await removeWebhook(deps, subscriber.email);
  }
  const current = (await deps.subscribers.getSubscriber(subscriber.email)) ?? subscriber;
  await deps.subscribers.putSubscriber({ ...current, filters: parsed.filters });
  deps.log.info('preferences saved', { webhook: Boolean(state.webhook) });
  const shown = secret
    ? `<p>Your webhook is registered. Its signing secret is shown only this once; keep it to check the <code>X-Detainer-Watch-Signature</code> header:</p>
<p><code id="webhook-secret">${e(secret)}</code></p>`
    : '';
  return htmlPage(
    200,
    'Preferences saved',
    `<p role="status">Your preferences are saved.</p>${shown}<p><a href="${e(`${deps.config.subscriptionUrl}/preferences?token=${encodeURIComponent(token)}`)}">Back to your preferences</a></p>`,
  );
}

function sameActiveWebhook(subscriber: Subscriber, text: string): boolean {
  const current = subscriber.webhook;
  if (!current || current.disabledAt) return false;
  try {
    return new URL(text).href === current.url;
  } catch {
    return false;
  }
}

/** The subscriber a preferences link names while subscribed; undefined when unknown or gone, null for a bad link. */
async function activeSubscriber(deps: Deps, token: string | undefined): Promise<Subscriber | null | undefined> {
  const link = await subscriberOfLink(deps, token, 'preferences');
  if (!link.valid) return null;
  const subscriber = link.subscriber;
  return subscriber && (subscriber.status === 'confirmed' || subscriber.status === 'pending') ? subscriber : undefined;
}

function notFound(deps: Deps, badLink: boolean): HttpResponse {
  if (badLink) {
    reject(deps, 'link-token');
    return messagePage(403, 'Link not valid', 'This link is not valid. Nothing was changed. Use the link in your latest alert.');
  }
  return messagePage(410, 'Not subscribed', 'This address does not receive alerts any more. Subscribe again to receive them.');
}

function preferencesPage(deps: Deps, status: number, token: string, subscriber: Subscriber, state: PreferencesState): HttpResponse {
  const action = `${deps.config.subscriptionUrl}/preferences`;
  const webhook = subscriber.webhook;
  const webhookState = webhook?.disabledAt
    ? `<p class="notice">Your webhook was disabled on ${e(webhook.disabledAt.slice(0, 10))} after failed deliveries. Save its address again to turn it back on.</p>`
    : '';
  const body = `${errorSummary(state.errors)}
<p>Alerts for this subscription${subscriber.status === 'pending' ? ' start once it is confirmed' : ' are on'}. Change what you receive, then save.</p>
<form method="post" action="${e(action)}" novalidate>
<input type="hidden" name="token" value="${e(token)}">
<input type="hidden" name="action" value="save">
${filterFieldsMarkup(state.fields, state.errors, deps.config.topN)}
<fieldset>
<legend>Webhook (optional)</legend>
${webhookState}
${field({ name: 'webhook', label: 'Webhook URL', hint: 'Each alert is also POSTed here as signed JSON (Slack incoming webhooks get a Slack message). Must start with https://. Leave empty for email only.', value: state.webhook, error: state.errors.webhook, type: 'url' })}
</fieldset>
<button type="submit">Save preferences</button>
</form>
<h2>Stop alerts</h2>
<form method="post" action="${e(action)}">
<input type="hidden" name="token" value="${e(token)}">
<input type="hidden" name="action" value="stop">
<button type="submit">Stop every alert</button>
</form>`;
  return htmlPage(status, 'Your alert preferences', body);
}
