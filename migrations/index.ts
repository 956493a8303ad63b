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
import { Settlements1764470000000 } from './1764470000000-settlements.js';

/** Every migration, in order. Listed by hand so the compiled app and ts-jest load the same set. */
export const MIGRATIONS = [
  InitialSchema1764259200000, MasterData1764300000000, OrderUnmappedKeys1764310000000, ErpSync1764320000000, Fulfillments1764330000000,
  HeldShipments1764340000000, PostingClaimedBy1764350000000, ShipmentChannelCancelled1764360000000, ErpTargetSettings1764370000000,
  PostingWithdrawn1764380000000, ErpVariantRegistry1764386000000, PostingsBySubject1764387000000, RedriveScanIndexes1764397000000,
  ChannelCodeFormat1764398000000, Settlements1764470000000,
];
