export * from './http';
export * from './commerce';
export * from './backoffice';
export * from './inputs';
export type { ImsTokenSource } from './ims-token';
