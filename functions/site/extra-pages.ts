import type { PageInput } from './page-layout';
import { sitePaths } from './site-paths';
import { subscribeForm } from './subscribe-form';

export function subscribePage(): PageInput {
  return {
    title: 'Email alerts',
    description: 'Get an email when a release changes the rankings you follow.',
    main: `<h1>Email alerts</h1>
<p>One email per release that changes what you follow; confirm your address first, unsubscribe with one click from any alert. Prefer a feed reader? Use the <a href="${sitePaths.feedAtom}">Atom</a> or <a href="${sitePaths.feedJson}">JSON</a> feed.</p>
${subscribeForm()}`,
  };
}

export function notFoundPage(): PageInput {
  return {
    title: 'Page not found',
    description: 'No page at this address.',
    main: `<h1>Page not found</h1>\n<p>There is no page at this address. The <a href="${sitePaths.index}">rankings</a> list every quarter and county.</p>`,
  };
}
