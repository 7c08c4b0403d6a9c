/** What the Commerce REST resources share: how a route is declared, Commerce's errors, its body checks. */
import type { FastifyRequest } from 'fastify';
import { PlatformError } from '../../core/errors';
import type { Json } from '../store';

/** A handler's return value is the answer (JSON, `true` when undefined); it throws commerceError. */
export type Handler = (req: FastifyRequest, p: Record<string, string>) => unknown;
export type Route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, fn: Handler) => void;

/** Commerce's `{message, parameters?}` (the message may hold `%name` placeholders for them) */
export function commerceError(status: number, message: string, parameters?: Json): PlatformError {
  return new PlatformError(status, 'commerce_error', message, parameters ? { extra: { parameters } } : {});
}

export function obj(v: unknown, field: string): Json {
  if (v && typeof v === 'object' && !Array.isArray(v)) return v as Json;
  throw commerceError(400, `"${field}" is required. Enter and try again.`, { fieldName: field });
}

/** Commerce's timestamps: `YYYY-MM-DD hh:mm:ss` (UTC) */
export const now = (): string => new Date().toISOString().replace('T', ' ').slice(0, 19);

export const NO_SUCH_ENTITY = 'No such entity with %fieldName = %fieldValue';
export const ENTITY_NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again.";
