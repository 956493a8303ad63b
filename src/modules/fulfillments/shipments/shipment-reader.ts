import { Inject, Injectable, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { ShipmentLine } from '../../../canonical/fulfillment.js';

/** A confirmed shipment as the documents built about its order need it (an ERP item fulfilment). */
export interface ConfirmedShipment {
  readonly lines: ShipmentLine[];
  readonly carrier: string | null;
  readonly trackingNumbers: string[];
  readonly shippedAt: Date;
  readonly kind: string;
  readonly source: string;
  readonly externalId: string;
  /** Set when the channel cancelled the fulfilment after it was confirmed. */
  readonly channelCancelledAt: Date | null;
}

/** The fulfilments module's read door onto shipments, for modules that build documents from them. */
@Injectable()
export class ShipmentReader {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The shipment if it is confirmed; null otherwise (held, unknown). */
  async confirmed(shipmentId: string): Promise<ConfirmedShipment | null> {
    const [row]: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT lines, carrier, tracking_numbers, shipped_at, kind, source, external_id, channel_cancelled_at FROM shipments WHERE id = $1 AND status = 'CONFIRMED'`,
      [shipmentId],
    );
    return row
      ? {
          lines: row.lines as ShipmentLine[], carrier: row.carrier as string | null, trackingNumbers: row.tracking_numbers as string[],
          shippedAt: row.shipped_at as Date, kind: row.kind as string, source: row.source as string, externalId: row.external_id as string,
          channelCancelledAt: row.channel_cancelled_at as Date | null,
        }
      : null;
  }

  /** The lines of every confirmed shipment of an order. */
  async confirmedLinesOfOrder(orderId: string): Promise<{ lines: ShipmentLine[] }[]> {
    return this.dataSource.query(`SELECT lines FROM shipments WHERE order_id = $1 AND status = 'CONFIRMED'`, [orderId]);
  }
}

@Module({ providers: [ShipmentReader], exports: [ShipmentReader] })
export class ShipmentReaderModule {}
