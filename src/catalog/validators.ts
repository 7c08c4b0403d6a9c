/**
 * Where validate functions come from. From source (tests, tsx), ajv compiles each schema
 * the first time its event is seen in a container and keeps it. In built bundles,
 * `npm run build` puts a generated module in place of this one, with every catalog schema
 * compiled ahead of time to ajv standalone code, so a cold start never loads ajv's compiler
 * (see scripts/generate-validators.ts).
 */
import Ajv, { type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** The one ajv configuration, shared with the ahead-of-time generator. */
export const AJV_OPTIONS: Options = { allErrors: true, strict: true, allowUnionTypes: true, coerceTypes: false };
export const FORMATS = ['email', 'date-time', 'uri'] as const;

export function createAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  addFormats(ajv, [...FORMATS]);
  return ajv;
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

export const precompiled = false;

export function validatorFor(code: string, schema: object): ValidateFunction {
  let fn = compiled.get(code);
  if (!fn) {
    ajv ??= createAjv();
    fn = ajv.compile(schema);
    compiled.set(code, fn);
  }
  return fn;
}
