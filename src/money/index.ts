export * from './currency.ts';
export * from './errors.ts';
export * from './micros.ts';
export * from './parse.ts';
export * from './format.ts';
export * from './schema.ts';
