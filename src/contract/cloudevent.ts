/**
 * The CloudEvent 1.0 envelope as the app publishes it and the local I/O Events stores and
 * delivers it. One type for both sides: the app narrows the optional attributes it always
 * sets (see `PublishedEvent`), the platform accepts any extension attribute.
 */
export interface CloudEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  datacontenttype?: string;
  time?: string;
  subject?: string;
  data?: unknown;
  [extension: string]: unknown;
}

/** What the app's ingestion publishes: JSON data, a time, always spec version 1.0. */
export interface PublishedEvent extends CloudEvent {
  specversion: '1.0';
  datacontenttype: 'application/json';
  time: string;
  data: unknown;
}
