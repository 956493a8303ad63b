import { Module } from '@nestjs/common';
import { SettlementImportsController } from './settlement-imports.controller.js';

/** Settlement reports in, reconciled against orders and the bank. */
@Module({ controllers: [SettlementImportsController] })
export class SettlementsModule {}
