// Timestamps as the Go encoder writes them (RFC 3339, UTC, `Z`, fractional
// seconds without trailing zeros), so saved state and API bodies match upstream.

export function formatTime(at: number | Date): string {
  const iso = (typeof at === 'number' ? new Date(at) : at).toISOString();
  // toISOString always has exactly three fractional digits.
  const [whole, fraction = ''] = iso.slice(0, -1).split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return trimmed === '' ? `${whole}Z` : `${whole}.${trimmed}Z`;
}
