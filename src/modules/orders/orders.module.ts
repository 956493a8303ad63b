import { Module } from '@nestjs/common';
import { MasterDataModule } from '../master-data/master-data.module.js';
import { OrderChildrenResolver } from './graphql/order-children.resolver.js';
import { OrdersResolver } from './graphql/orders.resolver.js';
import { ManualOrderActions } from './manual-order-actions.js';
import { OrderEventsService } from './order-events.service.js';
import { OrderChildrenReader } from './persistence/order-children-reader.js';
import { OrderReader } from './persistence/order-reader.js';

@Module({
  imports: [MasterDataModule],
  providers: [OrderEventsService, ManualOrderActions, OrderReader, OrderChildrenReader, OrdersResolver, OrderChildrenResolver],
  exports: [OrderEventsService, ManualOrderActions],
})
export class OrdersModule {}
