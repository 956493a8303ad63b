/**
 * Money for the demo's Shopify bodies: integer cents in, Shopify's decimal strings out.
 * Nothing here touches floating point, so the totals the hub recomputes from the lines
 * match the totals the body reports to the cent.
 */

/** A tax the shop charges: its title as Shopify prints it and its rate in parts per 100,000. */
export interface TaxRate {
  readonly title: string;
  /** The rate as Shopify writes it in JSON (a number literal, copied as text). */
  readonly rateText: string;
  readonly partsPer100k: bigint;
}

/** New York State and City sales tax, as the quick-start fixture charges them. */
export const NY_TAXES: readonly TaxRate[] = [
  { title: 'NY State Tax', rateText: '0.04', partsPer100k: 4000n },
  { title: 'New York City Tax', rateText: '0.04875', partsPer100k: 4875n },
];

/** French VAT at the standard rate, included in the EU shop's prices. */
export const FR_VAT: readonly TaxRate[] = [{ title: 'FR TVA', rateText: '0.2', partsPer100k: 20_000n }];

/** 1999n → "19.99"; negative amounts never occur in an order body. */
export function decimal(cents: bigint): string {
  if (cents < 0n) throw new RangeError(`negative amount ${cents}`);
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

/** Tax on an amount at one rate, rounded half up to the cent, as Shopify rounds per line. */
export function taxOn(cents: bigint, rate: TaxRate): bigint {
  return (cents * rate.partsPer100k * 2n + 100_000n) / 200_000n;
}

export interface TaxLine {
  readonly rate: TaxRate;
  readonly cents: bigint;
}

/** The tax inside a tax-inclusive amount, rounded half up: amount × rate ÷ (1 + rate). */
export function taxWithin(cents: bigint, rate: TaxRate): bigint {
  const whole = 100_000n + rate.partsPer100k;
  return (cents * rate.partsPer100k * 2n + whole) / (2n * whole);
}

export function taxLines(cents: bigint, rates: readonly TaxRate[], included = false): TaxLine[] {
  return rates.map((rate) => ({ rate, cents: included ? taxWithin(cents, rate) : taxOn(cents, rate) }));
}

/** Shopify's tax_lines array; the rate is written back exactly as the shop's settings print it. */
export function taxLinesJson(lines: readonly TaxLine[], currency = 'USD'): string {
  const items = lines.map(({ rate, cents }) => {
    const amount = decimal(cents);
    return `{"channel_liable": false, "price": "${amount}", "price_set": {"shop_money": {"amount": "${amount}", "currency_code": "${currency}"}, ` +
      `"presentment_money": {"amount": "${amount}", "currency_code": "${currency}"}}, "rate": ${rate.rateText}, "title": ${JSON.stringify(rate.title)}}`;
  });
  return `[${items.join(', ')}]`;
}

/** The order's tax_lines: every line's and the shipping's taxes summed per title. */
export function sumByTitle(lines: readonly TaxLine[]): TaxLine[] {
  const byTitle = new Map<string, TaxLine>();
  for (const line of lines) {
    const seen = byTitle.get(line.rate.title);
    byTitle.set(line.rate.title, { rate: line.rate, cents: (seen?.cents ?? 0n) + line.cents });
  }
  return [...byTitle.values()];
}
