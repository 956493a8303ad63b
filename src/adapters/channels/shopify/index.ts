export * from './shopify-order.dto.js';
export * from './shopify-order.mapper.js';
export * from './shopify-webhook.js';
