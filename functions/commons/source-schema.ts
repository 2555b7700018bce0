// zod/mini with named imports: the classic `z` namespace keeps all of zod (444 KB minified, every locale) in each bundle.
import { array, boolean, enum as oneOf, extend, int, minLength, number, object, optional, positive, regex, string, url } from 'zod/mini';

/**
 * What a SourceConfig must look like when it arrives as data: in a Lambda's `SOURCES` variable
 * (the stack validated it more strictly at synth, `lib/config.ts`) and in local mode's
 * `config.json`. One schema, so the two cannot drift apart.
 */
export const sourceConfigSchema = object({
  name: string().check(regex(/^[a-z0-9][a-z0-9._-]*$/, 'lower-case letters, digits, dot, dash, underscore')),
  url: url(),
  linkPattern: string(),
  linkText: optional(string()),
  section: optional(string().check(minLength(1))),
  includeCollapsed: optional(boolean()),
  allowedHosts: array(string()).check(minLength(1)),
  parser: oneOf(['ddp', 'ddor', 'table']),
  maxBytes: optional(number().check(int(), positive())),
});

/** Local mode may also poll a publisher on this machine (the demo); a Lambda never may. */
export const localSourceConfigSchema = extend(sourceConfigSchema, { allowLoopback: optional(boolean()) });
