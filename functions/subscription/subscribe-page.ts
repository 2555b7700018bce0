import { randomBytes } from 'node:crypto';
import type { Deps } from '../commons/deps';
import { escapeHtml as e } from '../domain/email/html';
import { formToken } from '../domain/subscriber-links';
import type { FilterFields } from './form-input';
import { errorSummary, field, type HttpResponse, htmlPage } from './pages';

export interface SubscribeFormState {
  email: string;
  fields: FilterFields;
  errors: Record<string, string>;
}

const EMPTY: SubscribeFormState = { email: '', fields: { states: '', counties: '', topN: '', minMove: '', minDelta: '' }, errors: {} };

/** A fresh anti-CSRF token for the form (also what the site's script asks `GET /api/subscribe/token` for). */
export async function newFormToken(deps: Deps): Promise<string> {
  return formToken(await deps.tokenSecret(), randomBytes(12).toString('base64url'), deps.clock());
}

/** The filter fields shared by the subscription form and the preferences page. */
export function filterFieldsMarkup(fields: FilterFields, errors: Record<string, string>, defaultTopN: number): string {
  return `<fieldset>
<legend>What to watch</legend>
${field({ name: 'states', label: 'States (optional)', hint: 'Two-letter codes separated by commas, like CA, TX. Leave empty for the whole country.', value: fields.states, error: errors.states })}
${field({ name: 'counties', label: 'Counties (optional)', hint: 'One per line, like "Ventura County, CA", or FIPS codes like 06111. Leave empty for the top of the ranking.', value: fields.counties, error: errors.counties, type: 'textarea' })}
${field({ name: 'topN', label: 'Top N', hint: `How many places of the ranking to watch (1 to 100; ${defaultTopN} if empty).`, value: fields.topN, error: errors.topN, type: 'number', min: 1, max: 100 })}
${field({ name: 'minMove', label: 'Minimum rank move', hint: 'Only tell me about moves of at least this many places (0 = any).', value: fields.minMove, error: errors.minMove, type: 'number', min: 0, max: 1000 })}
${field({ name: 'minDelta', label: 'Minimum count change', hint: 'Only tell me about counts that change by at least this much (0 = any).', value: fields.minDelta, error: errors.minDelta, type: 'number', min: 0, max: 100000 })}
</fieldset>`;
}

/**
 * The subscription form as the endpoint serves it (`GET /api/subscribe`): the path that works
 * without JavaScript, with a fresh form token; shown again with the person's values and the errors
 * when a post is refused.
 */
export async function subscribeFormPage(
  deps: Deps,
  status = 200,
  state: SubscribeFormState = EMPTY,
  notice?: string,
): Promise<HttpResponse> {
  const token = await newFormToken(deps);
  const action = `${deps.config.subscriptionUrl}/subscribe`;
  const body = `${errorSummary(state.errors)}
${notice ? `<p class="notice" role="status">${e(notice)}</p>` : ''}
<p>Get an email when a new release of ICE declined-detainer data changes the rankings you follow. You will first get a message asking you to confirm.</p>
<form method="post" action="${e(action)}" novalidate>
<input type="hidden" name="token" value="${e(token)}">
${field({ name: 'email', label: 'Email address', value: state.email, error: state.errors.email, type: 'email', required: true, autocomplete: 'email' })}
${filterFieldsMarkup(state.fields, state.errors, deps.config.topN)}
<div hidden><label for="website">Leave this field empty</label><input type="text" id="website" name="website" value="" tabindex="-1" autocomplete="off"></div>
<button type="submit">Subscribe</button>
</form>`;
  return htmlPage(status, 'Subscribe to alerts', body);
}
