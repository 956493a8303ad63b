/**
 * The money leg of the demo: once the orders are fulfilled, Shopify Payments pays the USD shop's
 * orders out (one CHARGE balance transaction per order, net of its fee) and the bank shows the
 * payout's net. Both reports go in through the hub's upload endpoint, matching runs on demand,
 * and the outcome is read back from GraphQL. The EU shop's euro orders settle in a payout of
 * their own currency, which the demo leaves out: a payout is in one currency.
 */
import type { HubClient, Json } from './http.js';
import type { OrderView } from './state.js';

export const DEMO_PAYOUT_ID = '880000001';
export const DEMO_BANK_ACCOUNT = 'US-CHECKING-01';
const CURRENCY = 'USD';
const FEE_TYPE = 'SHOPIFY_PAYMENTS_CHARGE_FEE';

export interface SettlementOutcome {
  /** Orders in the payout, and how many of their captures matched the hub's order to the cent. */
  readonly charges: number;
  readonly chargesMatched: number;
  readonly payoutBankMatched: boolean;
  /** Breaks not resolved, and of those the ones nobody has explained (still OPEN). */
  readonly breaks: number;
  readonly unexplained: number;
  readonly openBreaks: readonly string[];
}

/** Shopify Payments' US online rate: 2.9 % + 30¢, half up to the cent, in integers. */
export function shopifyFee(cents: bigint): bigint {
  return (cents * 29n + 500n) / 1000n + 30n;
}

/** "123.45" → 12345n, without a float on the way. */
function cents(amount: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(amount);
  if (!match) throw new Error(`not a USD amount: ${amount}`);
  const value = BigInt(match[2]) * 100n + BigInt((match[3] ?? '0').padEnd(2, '0'));
  return match[1] ? -value : value;
}

function usd(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

const money = (value: bigint) => ({ amount: usd(value), currencyCode: CURRENCY });

/** The payout as Shopify's Admin GraphQL gives it, as JSON Lines: the payout first, then its balance transactions. */
export function payoutJsonl(orders: readonly OrderView[], issuedAt: Date): { jsonl: string; net: bigint } {
  let gross = 0n;
  let fees = 0n;
  const lines = orders.map((order, index) => {
    const amount = cents(order.totals.grandTotal.amount);
    const fee = shopifyFee(amount);
    gross += amount;
    fees += fee;
    return JSON.stringify({
      id: `gid://shopify/ShopifyPaymentsBalanceTransaction/${DEMO_PAYOUT_ID}${String(index + 1).padStart(4, '0')}`, type: 'CHARGE', sourceType: 'CHARGE',
      sourceOrderTransactionId: `9${order.externalId}`, transactionDate: issuedAt.toISOString(),
      associatedOrder: { id: `gid://shopify/Order/${order.externalId}`, name: order.orderNumber },
      associatedPayout: { id: `gid://shopify/ShopifyPaymentsPayout/${DEMO_PAYOUT_ID}`, status: 'PAID' },
      amount: money(amount), fee: money(fee), net: money(amount - fee), adjustmentReason: null, test: false,
    });
  });
  const zero = money(0n);
  const payout = JSON.stringify({
    id: `gid://shopify/ShopifyPaymentsPayout/${DEMO_PAYOUT_ID}`, legacyResourceId: DEMO_PAYOUT_ID, status: 'PAID', issuedAt: issuedAt.toISOString(),
    transactionType: 'DEPOSIT', net: money(gross - fees),
    summary: {
      chargesGross: money(gross), chargesFee: money(fees), refundsFeeGross: zero, refundsFee: zero, adjustmentsGross: zero, adjustmentsFee: zero,
      reservedFundsGross: zero, reservedFundsFee: zero, retriedPayoutsGross: zero, retriedPayoutsFee: zero, advanceGross: zero, advanceFees: zero,
    },
  });
  return { jsonl: [payout, ...lines].join('\n') + '\n', net: gross - fees };
}

const PAYOUTS = `query($channel: String) { payouts(filter: { channel: $channel }, first: 100) { nodes {
  payoutRef matchId amount { amount currencyCode } bankLines { amount { amount } transactionRef } lines { component orderRef matchId } } } }`;
const BREAKS = 'query($after: String) { breaks(first: 100, after: $after) { nodes { category status amount { amount currencyCode } explanation } pageInfo { hasNextPage endCursor } } }';

export async function settleDemoPayout(hub: HubClient, all: Iterable<OrderView>, log: (line: string) => void): Promise<SettlementOutcome> {
  const orders = [...all].filter((o) => o.totals.grandTotal.currencyCode === CURRENCY).sort((a, b) => a.externalId.localeCompare(b.externalId));
  // Finance maps the provider's fee type to its GL account once; without it every fee line would be an UNKNOWN_FEE_TYPE break.
  await hub.admin('POST', '/admin/mappings', {
    kind: 'FEE_TYPE', channel: 'SHOPIFY', sourceValue: FEE_TYPE, target: { glAccount: '6120' }, note: 'demo: Shopify Payments processing fees',
  });
  // The summary journal's other accounts: captured sales clear the card clearing account, the payout lands in the bank clearing account.
  for (const [component, glAccount] of [['PRINCIPAL', '1210'], ['PAYOUT', '1010']]) {
    await hub.admin('POST', '/admin/mappings', {
      kind: 'FEE_TYPE', channel: 'SHOPIFY', sourceValue: `settlement:${component}`, target: { glAccount }, note: `demo: settlement journal, ${component.toLowerCase()}`,
    });
  }
  const issuedAt = new Date();
  const { jsonl, net } = payoutJsonl(orders, issuedAt);
  const payout = await hub.uploadReport({ format: 'SHOPIFY_PAYMENTS', fileName: `shopify-payments-payout-${DEMO_PAYOUT_ID}.jsonl` }, jsonl, 'text/plain');
  log(`  Shopify Payments payout ${DEMO_PAYOUT_ID}: ${orders.length} charges, net ${usd(net)} ${CURRENCY} → ${payout.status} (${payout.lines} lines)`);
  const day = issuedAt.toISOString().slice(0, 10);
  const csv = `Date,Amount,Currency,Reference,Description\n${day},${usd(net)},${CURRENCY},SHOPIFY ${DEMO_PAYOUT_ID},SHOPIFY PAYMENTS PAYOUT\n`;
  const bank = await hub.uploadReport({
    format: 'BANK_CSV', bankAccount: DEMO_BANK_ACCOUNT, fileName: `bank-${DEMO_BANK_ACCOUNT}-${day}.csv`,
    date: 'Date', amount: 'Amount', currency: 'Currency', reference: 'Reference', description: 'Description',
  }, csv, 'text/csv');
  log(`  bank statement ${DEMO_BANK_ACCOUNT}: 1 line of ${usd(net)} ${CURRENCY} → ${bank.status}`);
  const run = await hub.admin('POST', '/admin/settlements/match');
  log(`  matching: ${run.orders.matched} order captures, ${run.payouts.matched} payout ↔ bank, ${run.orders.amountMismatch} mismatches`);

  const payouts = (await hub.graphql(PAYOUTS, { channel: 'SHOPIFY' })).payouts.nodes as Json[];
  const ours = payouts.find((p) => p.payoutRef === DEMO_PAYOUT_ID);
  const charges = ((ours?.lines ?? []) as Json[]).filter((l) => l.component === 'PRINCIPAL');
  const breaks: Json[] = [];
  let after: string | null = null;
  do {
    const page: Json = (await hub.graphql(BREAKS, { after })).breaks;
    breaks.push(...(page.nodes as Json[]));
    after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor as string) : null;
  } while (after !== null);
  const open = breaks.filter((b) => b.status === 'OPEN');
  return {
    charges: charges.length,
    chargesMatched: charges.filter((l) => l.matchId !== null).length,
    payoutBankMatched: Boolean(ours?.matchId) && (ours?.bankLines as Json[]).length === 1,
    breaks: breaks.length,
    unexplained: open.length,
    openBreaks: open.map((b) => `${b.category} ${b.amount.amount} ${b.amount.currencyCode}: ${b.explanation}`),
  };
}
