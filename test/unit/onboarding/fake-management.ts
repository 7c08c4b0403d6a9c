/**
 * An in-memory I/O Events management API with the HAL shapes and the error messages of
 * @adobe/aio-lib-events, for unit tests of the onboarding executor and CLI. The end-to-end
 * tests run the same CLI against the local platform instead.
 */
import type { ManagementApi } from '../../../scripts/onboarding/management';

interface Meta {
  event_code: string;
  label: string;
  description: string;
  sample_event_template?: string;
}
interface Provider {
  id: string;
  label: string;
  description?: string;
  provider_metadata: string;
  instance_id?: string;
  metadata: Map<string, Meta>;
}
interface Registration {
  registration_id: string;
  id: number;
  client_id: string;
  name: string;
  description: string;
  runtime_action?: string;
  delivery_type: string;
  enabled: boolean;
  events_of_interest: Array<{ provider_id: string; event_code: string }>;
}

class FakeSdkError extends Error {
  sdkDetails: { conflictingId?: string } = {};
  constructor(code: string, status: number, text: string, url: string, conflictingId?: string) {
    super(`EventsSDK:${code}: ${status} - ${text} (${url})`);
    if (conflictingId) this.sdkDetails.conflictingId = conflictingId;
  }
}

export class FakeManagement implements ManagementApi {
  providers = new Map<string, Provider>();
  registrations = new Map<string, Registration>();
  /** every mutating call, e.g. "createProvider Backoffice Provider" */
  calls: string[] = [];
  /** make the named method fail with this status (once per entry) */
  failures = new Map<string, number>();
  private seq = 0;

  private fail(method: string): void {
    const status = this.failures.get(method);
    if (status !== undefined) {
      this.failures.delete(method);
      throw new FakeSdkError(
        `ERROR_${method.toUpperCase()}`,
        status,
        status >= 500 ? 'Internal Server Error' : 'Error',
        `http://fake/events/${method}`,
      );
    }
  }

  async getAllProviders(): Promise<unknown> {
    this.fail('getAllProviders');
    return {
      _embedded: {
        providers: [...this.providers.values()].map((p) => ({
          id: p.id,
          label: p.label,
          description: p.description,
          provider_metadata: p.provider_metadata,
          instance_id: p.instance_id,
        })),
      },
    };
  }

  async getProvider(id: string): Promise<unknown> {
    const p = this.providers.get(id);
    if (!p) throw new FakeSdkError('ERROR_GET_PROVIDER', 404, 'Not Found', 'x');
    return { id: p.id, label: p.label };
  }

  async createProvider(_o: string, _p: string, _w: string, body: Record<string, unknown>): Promise<unknown> {
    this.fail('createProvider');
    const label = String(body.label);
    const existing = [...this.providers.values()].find((p) => p.label === label);
    if (existing) throw new FakeSdkError('ERROR_CREATE_PROVIDER', 409, 'Conflict', 'x', existing.id);
    const id = `prov-${++this.seq}`;
    const p: Provider = {
      id,
      label,
      description: String(body.description ?? ''),
      provider_metadata:
        typeof body.provider_metadata === 'string' ? body.provider_metadata : '3rd_party_custom_events',
      metadata: new Map(),
    };
    if (typeof body.instance_id === 'string') p.instance_id = body.instance_id;
    this.providers.set(id, p);
    this.calls.push(`createProvider ${label}`);
    return { id, label, instance_id: p.instance_id };
  }

  async getAllEventMetadataForProvider(id: string): Promise<unknown> {
    this.fail('getAllEventMetadataForProvider');
    const p = this.providers.get(id);
    return { _embedded: { eventmetadata: p ? [...p.metadata.values()] : [] } };
  }

  async createEventMetadataForProvider(
    _o: string,
    _p: string,
    _w: string,
    id: string,
    body: Record<string, unknown>,
  ): Promise<unknown> {
    this.fail('createEventMetadataForProvider');
    const p = this.providers.get(id);
    if (!p) throw new FakeSdkError('ERROR_CREATE_EVENTMETADATA', 404, 'Not Found', 'x');
    const code = String(body.event_code);
    if (p.metadata.has(code)) throw new FakeSdkError('ERROR_CREATE_EVENTMETADATA', 409, 'Conflict', 'x');
    p.metadata.set(code, body as unknown as Meta);
    this.calls.push(`createEventMetadata ${code}`);
    return body;
  }

  async updateEventMetadataForProvider(
    _o: string,
    _p: string,
    _w: string,
    id: string,
    code: string,
    body: Record<string, unknown>,
  ): Promise<unknown> {
    this.fail('updateEventMetadataForProvider');
    const p = this.providers.get(id);
    if (!p || !p.metadata.has(code)) throw new FakeSdkError('ERROR_UPDATE_EVENTMETADATA', 404, 'Not Found', 'x');
    p.metadata.set(code, body as unknown as Meta);
    this.calls.push(`updateEventMetadata ${code}`);
    return body;
  }

  async deleteEventMetadata(_o: string, _p: string, _w: string, id: string, code: string): Promise<unknown> {
    this.fail('deleteEventMetadata');
    this.providers.get(id)?.metadata.delete(code);
    this.calls.push(`deleteEventMetadata ${code}`);
    return undefined;
  }

  async getAllRegistrationsForWorkspace(): Promise<unknown> {
    this.fail('getAllRegistrationsForWorkspace');
    return { _embedded: { registrations: [...this.registrations.values()] } };
  }

  async createRegistration(_o: string, _p: string, _w: string, body: Record<string, unknown>): Promise<unknown> {
    this.fail('createRegistration');
    const name = String(body.name);
    const existing = [...this.registrations.values()].find((r) => r.name === name);
    if (existing) throw new FakeSdkError('ERROR_CREATE_REGISTRATION', 409, 'Conflict', 'x', existing.registration_id);
    const r = { ...(body as unknown as Registration), registration_id: `reg-${++this.seq}`, id: this.seq };
    this.registrations.set(r.registration_id, r);
    this.calls.push(`createRegistration ${name}`);
    return r;
  }

  async updateRegistration(
    _o: string,
    _p: string,
    _w: string,
    id: string,
    body: Record<string, unknown>,
  ): Promise<unknown> {
    this.fail('updateRegistration');
    const r = this.registrations.get(id);
    if (!r) throw new FakeSdkError('ERROR_UPDATE_REGISTRATION', 404, 'Not Found', 'x');
    Object.assign(r, body);
    this.calls.push(`updateRegistration ${r.name}`);
    return r;
  }

  async deleteRegistration(_o: string, _p: string, _w: string, id: string): Promise<unknown> {
    this.fail('deleteRegistration');
    const r = this.registrations.get(id);
    this.registrations.delete(id);
    this.calls.push(`deleteRegistration ${r?.name ?? id}`);
    return undefined;
  }
}
