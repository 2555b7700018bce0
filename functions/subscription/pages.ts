import { escapeHtml as e } from '../domain/email/html';

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The site's stylesheet: the pages carry no inline style (the site's CSP is `style-src 'self'`). */
const SITE_STYLESHEET = '/assets/site.css';

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  // Not no-referrer: with it Chromium sends `Origin: null` on the form's POST and the Origin check fails.
  // same-origin still keeps a preferences token in the page's URL from reaching another site.
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

/** A complete page: one h1, landmarks, a skip link; `body` is trusted markup built with escapeHtml. */
export function htmlPage(status: number, title: string, body: string, headers: Record<string, string> = {}): HttpResponse {
  return {
    status,
    headers: { ...HTML_HEADERS, ...headers },
    body: `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)} · detainer-watch</title><link rel="stylesheet" href="${SITE_STYLESHEET}"></head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header><p><a href="/">detainer-watch</a></p></header>
<main id="main">
<h1>${e(title)}</h1>
${body}
</main>
<footer><p><a href="/">Rankings</a> · <a href="/api/subscribe">Subscribe</a></p></footer>
</body>
</html>
`,
  };
}

/** A page saying one thing, for results and refusals. */
export function messagePage(status: number, title: string, message: string, headers: Record<string, string> = {}): HttpResponse {
  return htmlPage(status, title, `<p>${e(message)}</p>`, headers);
}

/** Errors first on the page, each linking to its field (a keyboard user jumps there); announced on load. */
export function errorSummary(errors: Record<string, string>): string {
  const entries = Object.entries(errors);
  if (entries.length === 0) return '';
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${entries.map(([field, message]) => `<li><a href="#${e(field)}">${e(message)}</a></li>`).join('')}</ul>
</div>`;
}

export interface FieldSpec {
  name: string;
  label: string;
  value: string;
  hint?: string;
  error?: string;
  type?: 'text' | 'email' | 'number' | 'url' | 'textarea';
  required?: boolean;
  min?: number;
  max?: number;
  autocomplete?: string;
}

/** A labelled input with its hint and error tied to it by aria-describedby. */
export function field(spec: FieldSpec): string {
  const described = [spec.hint ? `${spec.name}-hint` : '', spec.error ? `${spec.name}-error` : ''].filter(Boolean).join(' ');
  const attributes = [
    `id="${e(spec.name)}"`,
    `name="${e(spec.name)}"`,
    described ? `aria-describedby="${described}"` : '',
    spec.error ? 'aria-invalid="true"' : '',
    spec.required ? 'required' : '',
    spec.autocomplete ? `autocomplete="${e(spec.autocomplete)}"` : '',
  ].filter(Boolean);
  const input =
    spec.type === 'textarea'
      ? `<textarea ${attributes.join(' ')} rows="3">${e(spec.value)}</textarea>`
      : `<input type="${spec.type ?? 'text'}" ${attributes.join(' ')} value="${e(spec.value)}"${spec.min !== undefined ? ` min="${spec.min}"` : ''}${spec.max !== undefined ? ` max="${spec.max}"` : ''}>`;
  return `<div class="field${spec.error ? ' field-error' : ''}">
<label for="${e(spec.name)}">${e(spec.label)}</label>
${spec.hint ? `<p class="hint" id="${e(spec.name)}-hint">${e(spec.hint)}</p>` : ''}
${spec.error ? `<p class="error" id="${e(spec.name)}-error"><strong>Error:</strong> ${e(spec.error)}</p>` : ''}
${input}
</div>`;
}
