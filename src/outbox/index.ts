export * from './outbox.ts';
export * from './templates.ts';
export * from './webhook-event.ts';
