/**
 * The day an order (or a shipment of it) belongs to in the books: the date in the shop's own
 * time, not in UTC. A March 31 evening sale in New York is a March sale, though it is already
 * April 1 in UTC. Pure: no clock, no I/O.
 *
 * The shop's time comes from the channel's own timestamp when it carries an offset (Shopify
 * prints "2026-03-31T20:30:00-04:00"), else from the channel account's `timezone` setting (an
 * IANA zone), else UTC.
 * @since 0.9.0
 */

/** A calendar date, 'YYYY-MM-DD'. */
export type AccountingDate = string;

/** An offset such as "-04:00" or "+0530" at the end of an ISO-8601 timestamp; "Z" is not a shop's offset. */
const OWN_OFFSET = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([+-])(\d{2}):?(\d{2})$/;
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** The offset a timestamp was printed with ("-04:00"), or null when it has none or says Z. */
export function ownOffset(timestamp: string): string | null {
  const m = OWN_OFFSET.exec(timestamp.trim());
  return m ? `${m[2]}${m[3]}:${m[4]}` : null;
}

/** The date part of a timestamp printed in its shop's offset; null when it carries no offset of its own. */
export function dateInOwnOffset(timestamp: string): AccountingDate | null {
  const m = OWN_OFFSET.exec(timestamp.trim());
  return m ? m[1] : null;
}

/** Whether `zone` is an IANA time zone this runtime knows ("America/New_York"), or a fixed offset ("-04:00"). */
export function isTimeZone(zone: string): boolean {
  if (FIXED_OFFSET.test(zone)) return true;
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The date of an instant in a zone: an IANA name or a fixed offset ("-04:00"); UTC when the zone is null. */
export function dateInZone(instant: string, zone: string | null): AccountingDate {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) throw new RangeError(`not a timestamp: ${instant}`);
  if (zone === null) return new Date(time).toISOString().slice(0, 10);
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed) {
    const minutes = (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3]));
    return new Date(time + minutes * 60_000).toISOString().slice(0, 10);
  }
  // en-CA prints dates as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(time));
}

/**
 * The order's accounting date and the zone its later documents (shipments) are dated in: the
 * channel's own offset when its timestamp has one, else the account's zone, else UTC.
 */
export function accountingDateOf(timestamp: string, accountZone: string | null): { readonly date: AccountingDate; readonly zone: string | null } {
  const offset = ownOffset(timestamp);
  if (offset !== null) return { date: dateInOwnOffset(timestamp)!, zone: accountZone ?? offset };
  return { date: dateInZone(timestamp, accountZone), zone: accountZone };
}
