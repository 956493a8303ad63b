import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { BullModule } from '@nestjs/bull';
import { GraphQLModule } from '@nestjs/graphql';
import type { MercuriusDriverConfig } from '@nestjs/mercurius';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChannelAccountsModule } from './modules/channel-accounts/channel-accounts.module.js';
import { IngestionModule } from './modules/ingestion/ingestion.module.js';
import { ErpSyncModule } from './modules/erp-sync/erp-sync.module.js';
import { FulfillmentsModule } from './modules/fulfillments/fulfillments.module.js';
import { MasterDataModule } from './modules/master-data/master-data.module.js';
import { OpsModule } from './modules/ops/ops.module.js';
import { OrdersModule } from './modules/orders/orders.module.js';
import { ReturnsModule } from './modules/returns/returns.module.js';
import { SettlementsModule } from './modules/settlements/settlements.module.js';
import { StoreDaysModule } from './modules/store-days/store-days.module.js';
import { ApiKeyRegistry } from './platform/auth/api-keys.js';
import { RolesGuard } from './platform/auth/roles.guard.js';
import { APP_CONFIG, type AppConfig } from './platform/config/app-config.js';
import { databaseOptions } from './platform/database/database-options.js';
import { DomainEventsModule } from './platform/events/domain-events.module.js';
import { graphqlOptions } from './platform/graphql/graphql-options.js';
import { GraphQLReads } from './platform/graphql/graphql-reads.js';
import { runMigrationsLocked } from './platform/database/run-migrations.js';
import { AdminInputInterceptor } from './platform/http/admin-input.interceptor.js';
import { redisOptionsFromUrl } from './platform/queue/redis-options.js';

@Global()
@Module({})
class PlatformModule {
  static forConfig(config: AppConfig): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...databaseOptions(config), retryAttempts: 0 }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            await runMigrationsLocked(dataSource, { lock: config.databaseUrl !== null });
            return dataSource;
          },
        }),
        BullModule.forRoot({ redis: redisOptionsFromUrl(config.redisUrl), prefix: config.queuePrefix }),
        DomainEventsModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: ApiKeyRegistry, useValue: new ApiKeyRegistry(config.apiKeys) },
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_INTERCEPTOR, useClass: AdminInputInterceptor },
        GraphQLReads,
      ],
      exports: [APP_CONFIG, ApiKeyRegistry, GraphQLReads],
    };
  }
}

/** The modular monolith: one codebase, started as API, worker or both. */
@Module({})
export class AppModule {
  static forConfig(config: AppConfig): DynamicModule {
    const api = config.role !== 'worker';
    return {
      module: AppModule,
      imports: [
        PlatformModule.forConfig(config),
        IngestionModule.forRole(config),
        OrdersModule,
        ReturnsModule,
        OpsModule,
        ChannelAccountsModule,
        MasterDataModule,
        SettlementsModule,
        StoreDaysModule,
        ErpSyncModule.forRole(config),
        FulfillmentsModule.forRole(config),
        ...(api
          ? [
              GraphQLModule.forRoot<MercuriusDriverConfig>(graphqlOptions(config.graphql)),
            ]
          : []),
      ],
    };
  }
}
