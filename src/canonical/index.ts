/** The canonical model: the one language modules and adapters share. */
export * from './money.js';
export * from './references.js';
export * from './order.js';
export * from './totals.js';
export * from './domain-events.js';
export * from './assert-never.js';
export * from './fulfillment.js';
export * from './settlement.js';
