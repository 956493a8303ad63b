import { Module } from '@nestjs/common';
import { ErpTargetDirectoryModule } from '../erp-sync/erp-target-directory.js';
import { MappingSuggestionsReader, MappingSuggestionsResolver } from './graphql/mapping-suggestions.js';
import { MappingsResolver } from './graphql/mappings.resolver.js';
import { MappingCache } from './mapping-cache.js';
import { MappingImportService } from './mapping-import.service.js';
import { MappingService } from './mapping.service.js';
import { MappingsController } from './mappings.controller.js';
import { UnmappedWorklist } from './unmapped-worklist.js';

/**
 * Governed master-data mappings (SKU, location, tax code, tender, customer, return
 * reason, fee type): versioned store, admin REST and GraphQL, and the cached batch
 * resolution the order flow calls (MappingService.resolve).
 * @since 0.2.0
 */
@Module({
  imports: [ErpTargetDirectoryModule],
  controllers: [MappingsController],
  providers: [MappingCache, MappingService, MappingImportService, MappingsResolver, MappingSuggestionsReader, MappingSuggestionsResolver, UnmappedWorklist],
  exports: [MappingService, MappingCache, UnmappedWorklist],
})
export class MasterDataModule {}
