import { InitialSchema1764259200000 } from './1764259200000-initial-schema.js';
import { MasterData1764300000000 } from './1764300000000-master-data.js';
import { OrderUnmappedKeys1764310000000 } from './1764310000000-order-unmapped-keys.js';
import { ErpSync1764320000000 } from './1764320000000-erp-sync.js';
import { Fulfillments1764330000000 } from './1764330000000-fulfillments.js';
import { HeldShipments1764340000000 } from './1764340000000-held-shipments.js';
import { PostingClaimedBy1764350000000 } from './1764350000000-posting-claimed-by.js';
import { ShipmentChannelCancelled1764360000000 } from './1764360000000-shipment-channel-cancelled.js';
import { ErpTargetSettings1764370000000 } from './1764370000000-erp-target-settings.js';
import { PostingWithdrawn1764380000000 } from './1764380000000-posting-withdrawn.js';
import { ErpVariantRegistry1764386000000 } from './1764386000000-erp-variant-registry.js';
import { PostingsBySubject1764387000000 } from './1764387000000-postings-by-subject.js';
import { RedriveScanIndexes1764397000000 } from './1764397000000-redrive-scan-indexes.js';
import { ChannelCodeFormat1764398000000 } from './1764398000000-channel-code-format.js';
import { PostingErpTotals1764450000000 } from './1764450000000-posting-erp-totals.js';
import { ErpDuplicateWatch1764451000000 } from './1764451000000-erp-duplicate-watch.js';
import { OrderEditsAndDates1764460000000 } from './1764460000000-order-edits-and-dates.js';
import { Settlements1764470000000 } from './1764470000000-settlements.js';
import { SettlementRefundMatches1764492000000 } from './1764492000000-settlement-refund-matches.js';
import { SettlementDuplicateLookup1764498000000 } from './1764498000000-settlement-duplicate-lookup.js';
import { SettlementSetBasedReferences1764500000000 } from './1764500000000-settlement-set-based-references.js';
import { Returns1764480000000 } from './1764480000000-returns.js';
import { DispositionMappings1764481000000 } from './1764481000000-disposition-mappings.js';
import { OrderCharges1764482000000 } from './1764482000000-order-charges.js';
import { OrderBuyerTextAndMoneySets1764491000000 } from './1764491000000-order-buyer-text-and-money-sets.js';
import { ChannelAccountOrderRules1764491100000 } from './1764491100000-channel-account-order-rules.js';
import { ChannelAccountSettings1764497000000 } from './1764497000000-channel-account-settings.js';
import { PostingTotalReadBack1764493000000 } from './1764493000000-posting-total-read-back.js';
import { SettlementJournals1764495000000 } from './1764495000000-settlement-journals.js';
import { StoreDays1764502000000 } from './1764502000000-store-days.js';
import { OrderLineItemKeys1764503000000 } from './1764503000000-order-line-item-keys.js';
import { ReturnExchangeLineMoney1764503100000 } from './1764503100000-return-exchange-line-money.js';
import { OrderCounterSale1764504000000 } from './1764504000000-order-counter-sale.js';
import { StoreDaySummaries1764506000000 } from './1764506000000-store-day-summaries.js';
import { ReturnDispositionLocationScope1764505000000 } from './1764505000000-return-disposition-location-scope.js';
import { SettlementErpExtracts1764520000000 } from './1764520000000-settlement-erp-extracts.js';
import { SettlementTenderReferences1764530000000 } from './1764530000000-settlement-tender-references.js';

/** Every migration, in order. Listed by hand so the compiled app and ts-jest load the same set. */
export const MIGRATIONS = [
  InitialSchema1764259200000, MasterData1764300000000, OrderUnmappedKeys1764310000000, ErpSync1764320000000, Fulfillments1764330000000,
  HeldShipments1764340000000, PostingClaimedBy1764350000000, ShipmentChannelCancelled1764360000000, ErpTargetSettings1764370000000,
  PostingWithdrawn1764380000000, ErpVariantRegistry1764386000000, PostingsBySubject1764387000000, RedriveScanIndexes1764397000000,
  ChannelCodeFormat1764398000000, PostingErpTotals1764450000000, ErpDuplicateWatch1764451000000, OrderEditsAndDates1764460000000,
  Settlements1764470000000, Returns1764480000000, DispositionMappings1764481000000, OrderCharges1764482000000,
  OrderBuyerTextAndMoneySets1764491000000, ChannelAccountOrderRules1764491100000, SettlementRefundMatches1764492000000,
  PostingTotalReadBack1764493000000, SettlementJournals1764495000000, ChannelAccountSettings1764497000000, SettlementDuplicateLookup1764498000000,
  SettlementSetBasedReferences1764500000000, StoreDays1764502000000, OrderLineItemKeys1764503000000, ReturnExchangeLineMoney1764503100000,
  OrderCounterSale1764504000000, StoreDaySummaries1764506000000, ReturnDispositionLocationScope1764505000000,
  SettlementErpExtracts1764520000000, SettlementTenderReferences1764530000000,
];
