/**
 * The registry of steps keyed by event code: defaults declared next to their entity
 * (src/deliver/handler/steps/*), plus process-wide overrides. The pipeline looks a code up here.
 */
import type { EventCode } from '../../catalog';
import type { AnySteps, StepOverrides, Steps } from './types';

const defaults = new Map<string, AnySteps>();
const overrides = new Map<string, Partial<AnySteps>>();

/** Declare the default steps of an event; the payload type P is checked across its steps. */
export function defineSteps<C extends EventCode, P>(
  code: C,
  steps: Omit<Steps<C, P>, 'validate'> & Partial<Pick<Steps<C, P>, 'validate'>>,
): void {
  // erasure: the registry holds every event's steps side by side; P is only internal to them
  defaults.set(code, steps as unknown as AnySteps);
}

/** Replace some steps of some events for every handler in this container. */
export function overrideSteps(o: StepOverrides): void {
  for (const [code, partial] of Object.entries(o)) {
    overrides.set(code, { ...(overrides.get(code) ?? {}), ...(partial as Partial<AnySteps>) });
  }
}

export function clearOverrides(): void {
  overrides.clear();
}

/** defaults ← process overrides ← handler overrides; undefined when the event has no steps */
export function stepsFor(code: string, local?: StepOverrides): Partial<AnySteps> | undefined {
  const base = defaults.get(code);
  const extra = local ? (local as Record<string, Partial<AnySteps> | undefined>)[code] : undefined;
  if (!base && !extra) return undefined;
  return { ...(base ?? {}), ...(overrides.get(code) ?? {}), ...(extra ?? {}) };
}

export function registeredCodes(): string[] {
  return [...defaults.keys()];
}
