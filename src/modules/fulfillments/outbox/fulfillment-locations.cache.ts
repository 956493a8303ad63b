import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import type { FulfillmentLocation } from '../domain/routing.js';

/** Location settings change rarely; releases happen hundreds of times a second. */
const TTL_MS = 5000;

/**
 * The enabled fulfilment locations, read at most once per TTL per process, so routing a
 * released order costs no query. An admin change is seen within the TTL (and at once in
 * the process that made it).
 */
@Injectable()
export class FulfillmentLocationsCache {
  private cached: { until: number; locations: FulfillmentLocation[] } | null = null;

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Inside a transaction, pass its runner: the embedded database has one session, and a
   * second query beside the open transaction would wait for it forever.
   */
  async enabled(runner?: QueryRunner): Promise<readonly FulfillmentLocation[]> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.locations;
    const sql = 'SELECT location_ref, kind, system, is_default FROM fulfillment_locations WHERE enabled';
    const rows: { location_ref: string; kind: FulfillmentLocation['kind']; system: FulfillmentLocation['system']; is_default: boolean }[] =
      await (runner ? runner.query(sql) : this.dataSource.query(sql));
    const locations = rows.map((r) => ({ locationRef: r.location_ref, kind: r.kind, system: r.system, isDefault: r.is_default }));
    this.cached = { until: Date.now() + TTL_MS, locations };
    return locations;
  }

  forget(): void {
    this.cached = null;
  }
}
