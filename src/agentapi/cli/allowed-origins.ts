// Parses and validates the allowed-origins list (§2.2.10) into the form CORS
// (§3.8) matches against: `scheme://host[:port]` per entry (path, query,
// fragment and userinfo dropped), or `*`. A `*` inside an entry
// (`https://*.example.com`) is a CORS wildcard and is kept. Must never
// resolve names or touch the network.
import { AllowedListError } from './errors.js';
import { checkListShape, type AllowedList } from './allowed-hosts.js';
import { GoUrlError, parseGoUrl } from './allowed-hosts-url.js';

/**
 * Validates `--allowed-origins` entries; throws AllowedListError with the
 * upstream text. Like upstream, anything Go's url.Parse accepts is accepted,
 * even without `//` (`localhost:3000` becomes `localhost://`, which matches no
 * browser origin). The result is lower-cased because the CORS matcher
 * upstream (rs/cors) lower-cases its allowed origins.
 */
export function parseAllowedOrigins(entries: readonly string[]): AllowedList {
  if (checkListShape(entries) === '*') return '*';
  return entries.map((entry) => {
    try {
      const url = parseGoUrl(entry);
      return `${url.scheme}://${url.host}`.toLowerCase();
    } catch (err) {
      if (err instanceof GoUrlError) {
        throw new AllowedListError('invalid_origin', `'${entry}' is not a valid origin: ${err.message}`, { cause: err });
      }
      throw err;
    }
  });
}
