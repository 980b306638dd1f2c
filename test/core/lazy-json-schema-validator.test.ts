import { LazyJsonSchemaValidator } from '../../src/server/lazy-json-schema-validator';

describe('LazyJsonSchemaValidator', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;

  it('validates like the SDK default (Ajv) once used', () => {
    const validate = new LazyJsonSchemaValidator().getValidator<{ name: string }>(schema);
    expect(validate({ name: 'octo' })).toEqual({ valid: true, data: { name: 'octo' }, errorMessage: undefined });
    const refused = validate({ name: 42 });
    expect(refused.valid).toBe(false);
    expect(refused.errorMessage).toMatch(/name/);
  });

  it('keeps one validator per instance, shared by nothing else', () => {
    const a = new LazyJsonSchemaValidator();
    const b = new LazyJsonSchemaValidator();
    a.getValidator(schema);
    expect((a as unknown as { inner?: object }).inner).toBeDefined();
    expect((b as unknown as { inner?: object }).inner).toBeUndefined();
  });
});
