import type { ReleaseFormat } from '../domain/release';

/** A place releases are published: an index page whose links matching `linkPattern` are releases. */
export interface SourceConfig {
  /** Short name used in keys and rankings: `ddp`, `ddor`, `table`, `demo`. */
  name: string;
  /** The index page to poll. */
  url: string;
  /** Regular expression (source text) a release link's URL must match. */
  linkPattern: string;
  /** Regular expression a release link's text must match (`xlsx`): for links whose URL names no file, such as Box downloads. */
  linkText?: string;
  /**
   * Only links in this part of the page: an element's id (`detainers`) or a heading's text
   * (`Detainers`, up to the next heading of its level). A page without it fails the poll loudly.
   */
  section?: string;
  /** Also links inside collapsed `<details>` ("Show past datasets"); by default only the current releases. */
  includeCollapsed?: boolean;
  /** Hosts the index and every download (and redirect) may go to; `*.example.com` allows any subdomain. */
  allowedHosts: string[];
  /** How to read the files found. */
  parser: ReleaseFormat;
  /** Download cap in bytes (default 300 MB). */
  maxBytes?: number;
  /** Loopback allowed (the local demo source only). */
  allowLoopback?: boolean;
}

/** Settings every step reads; from Lambda environment variables in AWS, from the home folder locally. */
export interface RuntimeConfig {
  sources: SourceConfig[];
  /** From address of alerts (a verified SES identity in AWS). */
  sender: string;
  /** Receives quarantine / held-release / failing-source reports; never subscribers. */
  operatorEmail: string;
  /** Base URL of the subscription endpoint (Function URL in AWS, local HTTP server locally). */
  subscriptionUrl: string;
  /** Default top N for rankings and for subscribers who did not choose one. */
  topN: number;
  /** Below this share of declined detainers resolved to counties, the operator is told. */
  minResolutionRate: number;
  /** A release whose total drops by more than this share without a declared revision is held. */
  maxTotalDrop: number;
  /** Sends per second the mailer may make (SES account rate). */
  sendRatePerSecond: number;
}

export const DEFAULT_MAX_BYTES = 300 * 1024 * 1024;
