import { Module } from '@nestjs/common';
import { OrderService } from './order.service.js';

/** The orders module's service for other modules, apart from its event intake and GraphQL. */
@Module({ providers: [OrderService], exports: [OrderService] })
export class OrderServiceModule {}
