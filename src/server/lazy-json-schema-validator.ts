import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

/**
 * The SDK `Server`'s JSON Schema validator (it checks elicitation answers), built on first use.
 * The SDK builds an Ajv instance in every `Server` constructor, which was most of the cost of the
 * server a stateless HTTP request gets; most servers never validate anything with it. Each
 * `Server` still gets its own validator, so nothing is shared between servers.
 */
export class LazyJsonSchemaValidator implements jsonSchemaValidator {
  private inner?: AjvJsonSchemaValidator;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    this.inner ??= new AjvJsonSchemaValidator();
    return this.inner.getValidator<T>(schema);
  }
}
