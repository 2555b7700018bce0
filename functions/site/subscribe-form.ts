/**
 * The subscription form: owned by the subscription step (it posts to `/api/subscribe`, which the
 * subscription function serves). Kept in its own module so that step can change its fields and
 * wording without touching the site's pages. `csrf` is filled by the subscription endpoint's
 * scheme (empty in the static page); `website` is a honeypot that people leave empty.
 */
export function subscribeForm(): string {
  return `<!-- subscription form: functions/site/subscribe-form.ts -->
<form class="subscribe" action="/api/subscribe" method="post">
<label>Email address <input type="email" name="email" autocomplete="email" required></label>
<label>States <span class="hint">USPS codes separated by commas, e.g. CA, FL. Empty: every state.</span><input type="text" name="states" autocomplete="off"></label>
<label>Counties <span class="hint">Names or FIPS codes separated by commas. Empty: every county.</span><input type="text" name="counties" autocomplete="off"></label>
<label>Top N <span class="hint">How many ranks to watch.</span><input type="number" name="topN" min="1" max="100" value="10" inputmode="numeric"></label>
<label>Smallest rank move <span class="hint">0: any move.</span><input type="number" name="minMove" min="0" value="0" inputmode="numeric"></label>
<label>Smallest count change <span class="hint">0: any change.</span><input type="number" name="minDelta" min="0" value="0" inputmode="numeric"></label>
<input type="hidden" name="csrf" value="">
<div class="trap" aria-hidden="true"><label>Website <input type="text" name="website" tabindex="-1" autocomplete="off"></label></div>
<button type="submit">Subscribe</button>
</form>`;
}
