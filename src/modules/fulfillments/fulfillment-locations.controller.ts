import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RequireRole } from '../../platform/auth/roles.guard.js';
import { inTransaction } from '../../platform/database/sql.js';
import { withoutUserinfo } from '../../platform/http/input-checks.js';
import { FulfillmentLocationsCache } from './outbox/fulfillment-locations.cache.js';
import { parseFulfillmentLocation } from './fulfillment-location.js';

interface LocationView {
  locationRef: string;
  name: string;
  kind: string;
  system: string;
  baseUrl: string;
  isDefault: boolean;
  enabled: boolean;
  updatedAt: Date;
}

const COLUMNS = 'location_ref, name, kind, system, base_url, is_default, enabled, updated_at';
const view = (r: Record<string, unknown>): LocationView => ({
  locationRef: r.location_ref as string, name: r.name as string, kind: r.kind as string, system: r.system as string, baseUrl: withoutUserinfo(r.base_url as string),
  isDefault: r.is_default as boolean, enabled: r.enabled as boolean, updatedAt: r.updated_at as Date,
});

/** Which system fulfils each channel location. API keys are write-only: no response carries one. */
@ApiTags('admin')
@ApiBearerAuth()
@Controller('admin/fulfillment-locations')
export class FulfillmentLocationsController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(FulfillmentLocationsCache) private readonly cache: FulfillmentLocationsCache,
  ) {}

  @Get()
  @RequireRole('reader')
  async list(): Promise<LocationView[]> {
    return ((await this.dataSource.query(`SELECT ${COLUMNS} FROM fulfillment_locations ORDER BY location_ref`)) as Record<string, unknown>[]).map(view);
  }

  @Put(':locationRef')
  @RequireRole('admin')
  @ApiOperation({
    summary: 'Create or replace a fulfilment location',
    description: 'locationRef is the channel location id order lines carry. kind WAREHOUSE | STORE | DROP_SHIP_VENDOR; system wms | store. ' +
      'isDefault takes lines that name no location (one default at most).',
  })
  async upsert(@Param('locationRef') locationRef: string, @Body() body: unknown): Promise<LocationView> {
    const l = parseFulfillmentLocation(locationRef, body);
    const row = await inTransaction(this.dataSource, async (runner) => {
      if (l.isDefault) await runner.query('UPDATE fulfillment_locations SET is_default = false WHERE is_default AND location_ref <> $1', [l.locationRef]);
      const [saved]: Record<string, unknown>[] = await runner.query(
        `INSERT INTO fulfillment_locations (location_ref, name, kind, system, base_url, api_key, is_default, enabled)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (location_ref) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, system = EXCLUDED.system, base_url = EXCLUDED.base_url,
           api_key = EXCLUDED.api_key, is_default = EXCLUDED.is_default, enabled = EXCLUDED.enabled, updated_at = now()
         RETURNING ${COLUMNS}`,
        [l.locationRef, l.name, l.kind, l.system, l.baseUrl, l.apiKey, l.isDefault, l.enabled],
      );
      return saved;
    });
    this.cache.forget();
    return view(row);
  }
}
