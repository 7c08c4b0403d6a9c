/**
 * The two I/O Events providers, with the starter kit's keys, labels and descriptions
 * (`scripts/onboarding/config/providers.json`). Onboarding creates them; the webhook looks
 * the back-office provider up by label when BACKOFFICE_PROVIDER_ID is not set. One
 * constant, so both sides always agree.
 */
export interface ProviderDefinition {
  key: 'commerce' | 'backoffice';
  label: string;
  description: string;
}

export const COMMERCE_PROVIDER: ProviderDefinition = {
  key: 'commerce',
  label: 'Commerce Provider',
  description: 'Commerce Provider that will receive events from commerce',
};

export const BACKOFFICE_PROVIDER: ProviderDefinition = {
  key: 'backoffice',
  label: 'Backoffice Provider',
  description: 'Backoffice Provider that will receive events from the back-office ingestion webhook',
};

export const PROVIDERS: readonly ProviderDefinition[] = [COMMERCE_PROVIDER, BACKOFFICE_PROVIDER];

/**
 * The label a provider is created under, as the starter kit names it: the base label, then
 * ` - ` and the runtime namespace without its first segment (`1234567-myproject-stage` →
 * `Backoffice Provider - myproject-stage`), so several workspaces of one org stay apart.
 * Without a namespace, the base label.
 */
export function providerLabel(provider: ProviderDefinition, runtimeNamespace?: string): string {
  if (!runtimeNamespace) return provider.label;
  return `${provider.label} - ${runtimeNamespace.slice(runtimeNamespace.indexOf('-') + 1)}`;
}
