/** What the events routes are given by the module (../index.ts). */
import type { EventEmitter } from 'node:events';
import type { ImsService, Runtime } from '../../core/types';
import type { DeliveryEngine } from '../engine';
import type { Hal } from '../hal';
import type { TokenCheck } from '../ims-auth';
import type { Providers } from '../providers';
import type { Registrations } from '../registrations';
import type { Signer } from '../signing';
import type { EventsStore } from '../store';

export interface EventsRouteDeps {
  store: EventsStore;
  providers: Providers;
  registrations: Registrations;
  hal: Hal;
  engine: DeliveryEngine;
  signer: Signer;
  bus: EventEmitter;
  /** the namespace key "uuid:key" (Basic auth of the platform's own API) */
  auth: string;
  baseUrl: () => string;
  timeScale: number;
  runtime: () => Runtime | undefined;
  /** the platform's IMS, when loaded (asked at request time) */
  ims?: (() => ImsService | undefined) | undefined;
  /** whether a bearer token was issued by the platform's IMS */
  tokenCheck?: TokenCheck | undefined;
  /** verifies a webhook URL with Adobe's challenge; throws a PlatformError when it fails */
  verifyWebhook: (url: string) => Promise<void>;
}

export type Params = Record<string, string>;
