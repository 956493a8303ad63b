import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource, type QueryRunner } from 'typeorm';
import type { DomainEventType, OrderCancelled } from '../src/canonical/domain-events.js';
import { afterCommit, inTransaction } from '../src/platform/database/sql.js';
import { DomainEventBus } from '../src/platform/events/domain-event-bus.js';
import { DomainEventsModule } from '../src/platform/events/domain-events.module.js';
import { OnDomainEvent } from '../src/platform/events/on-domain-event.js';
import { freshDatabase } from './support/test-database.js';
import { startHub, type TestHub } from './support/test-hub.js';

describe('the domain event bus', () => {
  let db: DataSource;

  beforeAll(async () => {
    db = await new DataSource({ type: 'postgres', url: await freshDatabase('domain_events'), poolSize: 2 }).initialize();
    await db.query(`CREATE TABLE seen (handler text NOT NULL, order_id text NOT NULL)`);
  });
  afterAll(() => db.destroy());

  @Injectable()
  class Recorder {
    readonly afterCommit: string[] = [];

    @OnDomainEvent('OrderCancelled', { order: 2 })
    async second(runner: QueryRunner, event: OrderCancelled): Promise<void> {
      await runner.query(`INSERT INTO seen VALUES ('second', $1)`, [event.payload.orderId]);
    }

    @OnDomainEvent('OrderCancelled', { order: 1 })
    async first(runner: QueryRunner, event: OrderCancelled): Promise<void> {
      await runner.query(`INSERT INTO seen VALUES ('first', $1)`, [event.payload.orderId]);
    }

    @OnDomainEvent('OrderCancelled', { phase: 'after-commit' })
    async later(event: OrderCancelled): Promise<void> {
      this.afterCommit.push(event.payload.orderId);
    }
  }

  const cancelled = (orderId: string): OrderCancelled => ({ type: 'OrderCancelled', correlationId: 'c', payload: { orderId } });

  it('runs in-transaction handlers in order on the publisher runner, and after-commit ones only once it commits', async () => {
    const module = await Test.createTestingModule({ imports: [DomainEventsModule], providers: [Recorder] }).compile();
    await module.init();
    const bus = module.get(DomainEventBus);
    const recorder = module.get(Recorder);

    await inTransaction(db, (runner) => bus.publish(runner, cancelled('kept')));
    await expect(inTransaction(db, async (runner) => {
      await bus.publish(runner, cancelled('rolled-back'));
      throw new Error('the publisher fails after publishing');
    })).rejects.toThrow('the publisher fails');
    await new Promise((resolve) => setImmediate(resolve));

    const rows: { handler: string; order_id: string }[] = await db.query(`SELECT handler, order_id FROM seen ORDER BY ctid`);
    expect(rows).toEqual([{ handler: 'first', order_id: 'kept' }, { handler: 'second', order_id: 'kept' }]);
    expect(recorder.afterCommit).toEqual(['kept']);
    await module.close();
  });

  it('refuses to boot with a handler of an event type that does not exist', async () => {
    @Injectable()
    class Typo {
      @OnDomainEvent('OrderShipped' as DomainEventType)
      async handle(): Promise<void> {}
    }
    const module = await Test.createTestingModule({ imports: [DomainEventsModule], providers: [Typo] }).compile();
    await expect(module.init()).rejects.toThrow(/Typo\.handle subscribes to OrderShipped, which is not a domain event/);
  });

  it('drops after-commit callbacks of a transaction that rolls back', async () => {
    const ran: string[] = [];
    await inTransaction(db, async (runner) => afterCommit(runner, async () => void ran.push('committed')));
    await inTransaction(db, async (runner) => {
      afterCommit(runner, async () => void ran.push('rolled back'));
      throw new Error('no');
    }).catch(() => undefined);
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran).toEqual(['committed']);
  });
});

describe('the hub subscribers', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startHub({ databaseUrl: await freshDatabase('domain_subscribers') });
  });
  afterAll(() => hub.close());

  it('write postings first, then fulfilment requests, then held shipments, then what the channel fulfilled, then refunds that waited for the order, for every release', () => {
    const bus = hub.app.get(DomainEventBus);
    expect(bus.handlersOf('OrderReleased')).toEqual([
      'PostingOutbox.onOrderReleased (transaction)',
      'FulfillmentOutbox.onOrderReleased (transaction)',
      'HeldShipments.onOrderReleased (transaction)',
      'FulfilledAtSource.onOrderReleased (transaction)',
      'RefundsAwaitingOrder.onOrderReleased (transaction)',
    ]);
    expect(bus.handlersOf('OrderCancelled')).toEqual(['PostingOutbox.onOrderCancelled (transaction)', 'FulfillmentOutbox.onOrderCancelled (transaction)']);
    expect(bus.handlersOf('ShipmentConfirmed')).toEqual(['PostingOutbox.onShipmentConfirmed (transaction)']);
    expect(bus.handlersOf('OrderLinesChanged')).toEqual(['PostingOutbox.onOrderLinesChanged (transaction)']);
  });
});
