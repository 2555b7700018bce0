/** Environment variables of the site function (to join `ENVIRONMENT` in `commons/environment.ts` at merge). */
export const SITE_ENVIRONMENT = {
  /** The private bucket the site is published to. */
  siteBucket: 'SITE_BUCKET',
  /** The site's public base URL (the CloudFront distribution), for absolute links in feeds. */
  siteUrl: 'SITE_URL',
} as const;
