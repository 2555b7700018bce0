/**
 * Whether a host is on a source's allow-list: an exact name (any case, with or without its port),
 * or `*.example.com` for any subdomain of example.com (never example.com itself), as file hosts
 * redirect downloads to per-request subdomains (Box → `public.boxcloud.com`, `dl2.boxcloud.com`).
 */
export function hostAllowed(url: URL, allowedHosts: readonly string[]): boolean {
  const hostname = url.hostname.toLowerCase();
  const host = url.host.toLowerCase();
  return allowedHosts.some((entry) => {
    const allowed = entry.toLowerCase();
    if (allowed.startsWith('*.')) return hostname.endsWith(allowed.slice(1)) && hostname.length > allowed.length - 1;
    return allowed === hostname || allowed === host;
  });
}
