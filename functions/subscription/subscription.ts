import type { Deps } from '../commons/deps';

export interface HttpRequest {
  method: string;
  /** Path after the base URL: `/confirm`, `/unsubscribe`. */
  path: string;
  query: Record<string, string | undefined>;
  body?: string;
  headers: Record<string, string | undefined>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Confirm (double opt-in) and RFC 8058 one-click unsubscribe; idempotent; tokens are HMAC-signed. */
export async function handleSubscriptionRequest(deps: Deps, request: HttpRequest): Promise<HttpResponse> {
  void deps;
  void request;
  throw new Error('handleSubscriptionRequest: implemented by the lead in the next commit');
}
