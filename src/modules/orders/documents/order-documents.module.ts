import { Module } from '@nestjs/common';
import { ErpOutboxModule } from '../../erp-sync/outbox/erp-outbox.module.js';
import { ShipmentReaderModule } from '../../fulfillments/shipments/shipment-reader.js';
import { MasterDataModule } from '../../master-data/master-data.module.js';
import { OrderServiceModule } from '../order-service.module.js';
import { CashSaleBuilder } from './cash-sale.builder.js';
import { ItemFulfillmentBuilder } from './item-fulfillment.builder.js';
import { OrderDeliverySubject } from './order-delivery-subject.js';
import { SalesOrderChangeBuilder } from './sales-order-change.builder.js';
import { SalesOrderBuilder } from './sales-order.builder.js';

/**
 * The documents delivered about orders (ERP sales orders, cash sales, item fulfilments, sales order
 * changes) and the order as their subject; the delivery engine finds them at boot.
 */
@Module({
  imports: [OrderServiceModule, MasterDataModule, ShipmentReaderModule, ErpOutboxModule],
  providers: [SalesOrderBuilder, CashSaleBuilder, ItemFulfillmentBuilder, SalesOrderChangeBuilder, OrderDeliverySubject],
  // Credits are built on the sales order as the target holds it (its lines' ERP items and positions).
  exports: [SalesOrderBuilder, CashSaleBuilder],
})
export class OrderDocumentsModule {}
