/**
 * The part of `@adobe/aio-lib-events` 4.x the app calls (the package's own types.d.ts is not
 * wired to its entry point, so TypeScript sees `any` without this).
 */
declare module '@adobe/aio-lib-events' {
  export interface EventsCoreAPIOptions {
    timeout?: number;
    retries?: number;
    eventsBaseURL?: string;
    eventsIngressURL?: string;
  }
  export interface EventsCoreAPI {
    httpOptions: EventsCoreAPIOptions;
    getAllProviders(consumerOrgId: string, providerOptions?: Record<string, unknown>): Promise<unknown>;
    publishEvent(cloudEvent: object): Promise<string | undefined>;
  }
  export function init(
    organizationId: string,
    apiKey: string,
    accessToken: string,
    httpOptions?: EventsCoreAPIOptions,
  ): Promise<EventsCoreAPI>;
}
