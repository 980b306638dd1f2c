import 'reflect-metadata';
import { Expose, Transform, Type, plainToInstance } from 'class-transformer';
import {
  Allow,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsEnum,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  validate,
  type ValidationArguments,
  type ValidationError,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { NextMCP } from '../../src';
import { connectTestClient } from '../../src/testing';
import { JsonRpcError } from '../../src/pipeline/json-rpc-error';
import { validateArguments } from '../../src/pipeline/validation';
import type { DtoClass } from '../../src/decorators/tool.decorator';

/* ------------------------------------------------------------------ each validator once per call */

let wordChecks = 0;

@ValidatorConstraint({ name: 'startsWithA' })
class CountedStartsWithA implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    wordChecks += 1;
    return typeof value === 'string' && value.startsWith('a');
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must start with "a"`;
  }
}

class Word {
  @Validate(CountedStartsWithA) word!: string;
}

let conditionRuns = 0;

// Only built-in constraints: the arguments are checked without class-transformer.
class CountedCondition {
  @ValidateIf(() => {
    conditionRuns += 1;
    return true;
  })
  @IsString()
  text!: string;
}

describe('a tool call runs each validator once', () => {
  let mcp: NextMCP;
  let connection: Awaited<ReturnType<typeof connectTestClient>>;
  beforeAll(async () => {
    mcp = new NextMCP({ name: 'counted', version: '1' })
      .tool('word', { input: Word }, async (input) => (input as Word).word)
      .tool('text', { input: CountedCondition }, async (input) => (input as CountedCondition).text);
    connection = await connectTestClient(mcp);
  });
  afterAll(async () => {
    await connection.close();
    await mcp.close();
  });

  it('a user-defined constraint: once for invalid input (refused with -32602), once for valid input', async () => {
    wordChecks = 0;
    await expect(connection.client.callTool({ name: 'word', arguments: { word: 'banana' } })).rejects.toMatchObject({
      code: -32602,
      message: expect.stringContaining('word: word must start with "a" (startsWithA)'),
    });
    expect(wordChecks).toBe(1);
    const result = await connection.client.callTool({ name: 'word', arguments: { word: 'apple' } });
    expect(result.content).toEqual([{ type: 'text', text: 'apple' }]);
    expect(wordChecks).toBe(2);
  });

  it('a DTO of built-in constraints: its condition runs once for invalid and once for valid input', async () => {
    conditionRuns = 0;
    await expect(connection.client.callTool({ name: 'text', arguments: { text: 7 } })).rejects.toMatchObject({ code: -32602 });
    expect(conditionRuns).toBe(1);
    const result = await connection.client.callTool({ name: 'text', arguments: { text: 'hi' } });
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(conditionRuns).toBe(2);
  });
});

/* ------------------------------------------------------------------ DTOs for the differential */

enum Priority {
  Low = 'low',
  High = 'high',
}

class EchoInput {
  @IsString() text!: string;
}

class Profile {
  @IsString() @Length(1, 10) name!: string;
  @IsInt() @Min(0) @Max(120) age!: number;
  @IsEmail() email!: string;
  @IsBoolean() active!: boolean;
  @IsOptional() @IsNumber() score?: number;
  @IsOptional() @IsNotEmpty() note?: string;
  @IsEnum(Priority) priority!: Priority;
  @IsOptional() @IsArray() @ArrayNotEmpty() @IsString({ each: true }) tags?: string[];
}

class Search {
  @IsString() q!: string;
  @IsOptional() @IsInt() @Min(1) limit = 10;
  // Undecorated: stripped by the whitelist although the constructor sets it.
  page = 1;
}

class Conditional {
  @IsIn(['simple', 'custom']) mode!: string;
  @ValidateIf((o: Conditional) => o.mode === 'custom') @IsString() @Length(2, 4) customValue?: string;
  @IsDefined() must!: unknown;
  @Allow() anything?: unknown;
}

class BaseEntity {
  @IsString() id!: string;
}

class DerivedEntity extends BaseEntity {
  @Length(2, 5) override id = '';
  @IsBoolean() flag!: boolean;
}

class Child {
  @IsString() value!: string;
}

class WithTypedNested {
  @IsString() label!: string;
  @ValidateNested() @Type(() => Child) child!: Child;
}

class WithUntypedNested {
  @IsOptional() @ValidateNested() child?: Child;
}

class Trimmed {
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value)) @IsString() @Length(1, 5) name!: string;
}

class WithExpose {
  @Expose({ name: 'user_name' }) @IsString() userName!: string;
}

class WithMembers {
  @IsString() text!: string;
  @IsOptional() @IsString() get alias(): string | undefined {
    return this.text;
  }
  set alias(value: string | undefined) {
    this.text = value ?? '';
  }
  describe(): string {
    return `text=${this.text}`;
  }
}

class Matrix {
  @IsArray() @IsArray({ each: true }) rows!: number[][];
}

const DTOS: DtoClass[] = [EchoInput, Profile, Search, Conditional, DerivedEntity, WithTypedNested, WithUntypedNested, Trimmed, WithExpose, WithMembers, Matrix];

const INPUTS: object[] = [
  {},
  { text: 'hi' },
  { text: 1 },
  { text: null },
  { text: ['a'] },
  { text: 'hi', extra: 'stripped' },
  { text: 'hi', extra: { nested: true } },
  JSON.parse('{"__proto__": {"text": 1}}') as object,
  JSON.parse('{"text": "x", "__proto__": {"polluted": true}}') as object,
  { text: 'x', constructor: 'y' },
  { text: 'x', toString: 'y' },
  { name: 'Ann', age: 30, email: 'ann@example.com', active: true, priority: 'high' },
  { name: 'Ann', age: 30, email: 'ann@example.com', active: true, priority: 'high', score: 1.5, note: 'n', tags: ['a', 'b'] },
  { name: '', age: 30.5, email: 'nope', active: 'true', priority: 'urgent', tags: [] },
  { name: 'Ann', age: 30, email: 'ann@example.com', active: true, priority: 'low', tags: ['a', 1], score: null },
  { q: 'x' },
  { q: 'x', limit: 5 },
  { q: 'x', limit: 0, page: 3 },
  { q: 'x', limit: null },
  { mode: 'simple', must: 1 },
  { mode: 'custom', must: false, customValue: 'a' },
  { mode: 'simple', must: { constructor: 'x', a: 1 }, anything: [{ toString: 1 }] },
  { id: 'abc', flag: true },
  { id: 'a', flag: 'no' },
  { label: 'x', child: { value: 'v' } },
  { label: 'x', child: { value: 1 } },
  { child: 'v' },
  { name: '  Ann  ' },
  { name: '   toolong   ' },
  { user_name: 'x' },
  { userName: 'x' },
  { text: 'x', alias: 'y' },
  { text: 'x', describe: 'y' },
  { rows: [[1, 2], [3]] },
  { rows: [1, 2] },
];

/* ------------------------------------------------------------------ the full path, written out */

const OPTIONS = { whitelist: true, forbidUnknownValues: true, validationError: { target: false, value: false } } as const;

type Outcome = { kind: 'accepted'; instance: object } | { kind: 'rejected'; code: number; message: string; data: unknown } | { kind: 'threw'; error: string };

function flatten(errors: ValidationError[], prefix = ''): { property: string; constraints: Record<string, string> }[] {
  return errors.flatMap((error) => {
    const property = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ property, constraints: error.constraints }] : [];
    return [...own, ...flatten(error.children ?? [], property)];
  });
}

async function fullPath(dto: DtoClass, args: object): Promise<Outcome> {
  try {
    const instance = plainToInstance(dto, args) as object;
    const errors = await validate(instance, OPTIONS);
    if (errors.length === 0) return { kind: 'accepted', instance };
    const violations = flatten(errors);
    const detail = violations
      .map((v) => `${v.property}: ${Object.entries(v.constraints).map(([name, message]) => `${message} (${name})`).join('; ')}`)
      .join('; ');
    return { kind: 'rejected', code: -32602, message: `Invalid arguments for "t": ${detail}`, data: { violations } };
  } catch (error) {
    return { kind: 'threw', error: String(error) };
  }
}

/** `validateArguments`' outcome, and whether it answered without a promise. */
async function actual(dto: DtoClass, args: object): Promise<{ outcome: Outcome; immediate: boolean }> {
  let immediate = true;
  try {
    const answer = validateArguments({ kind: 'dto', dto }, args, 't');
    immediate = !(answer instanceof Promise);
    return { outcome: { kind: 'accepted', instance: (await answer) as object }, immediate };
  } catch (error) {
    if (error instanceof JsonRpcError) return { outcome: { kind: 'rejected', code: error.code, message: error.message, data: error.data }, immediate };
    return { outcome: { kind: 'threw', error: String(error) }, immediate };
  }
}

/** Comparable form: the prototype and own keys matter, not only the values. */
function shape(outcome: Outcome): unknown {
  if (outcome.kind !== 'accepted') return outcome;
  return { kind: 'accepted', proto: Object.getPrototypeOf(outcome.instance), keys: Object.keys(outcome.instance), fields: { ...outcome.instance } };
}

/** A fresh copy per run; JSON.parse keeps an own `__proto__` key. */
const fresh = (input: object): object => JSON.parse(JSON.stringify(input)) as object;

describe('validateArguments gives what the full path (plainToInstance + validate) gives', () => {
  it.each(DTOS.map((dto) => [dto.name, dto] as const))('%s, every input', async (_name, dto) => {
    for (const input of INPUTS) {
      const label = `${dto.name} ${JSON.stringify(input)}`;
      const { outcome } = await actual(dto, fresh(input));
      expect({ label, outcome: shape(outcome) }).toStrictEqual({ label, outcome: shape(await fullPath(dto, fresh(input))) });
    }
  });

  it('DTOs of built-in constraints answer without waiting; transformed, nested or custom ones go the full path', async () => {
    expect((await actual(EchoInput, { text: 'hi' })).immediate).toBe(true);
    expect((await actual(EchoInput, { text: 1 })).immediate).toBe(true);
    expect((await actual(Search, { q: 'x', limit: 5 })).immediate).toBe(true);
    expect((await actual(Matrix, { rows: [[1]] })).immediate).toBe(true);
    // Keys the DTO does not validate, an own __proto__, objects class-transformer rebuilds: full path.
    expect((await actual(EchoInput, { text: 'hi', extra: 1 })).immediate).toBe(false);
    expect((await actual(EchoInput, fresh(JSON.parse('{"text": "x", "__proto__": {}}') as object))).immediate).toBe(false);
    expect((await actual(Conditional, { mode: 'simple', must: { a: 1 } })).immediate).toBe(false);
    expect((await actual(EchoInput, Object.assign(new Map(), { text: 'x' }))).immediate).toBe(false);
    expect((await actual(WithMembers, { text: 'x', alias: 'y' })).immediate).toBe(false);
    for (const dto of [Trimmed, WithExpose, WithTypedNested, WithUntypedNested, Word]) {
      expect({ dto: dto.name, immediate: (await actual(dto, {})).immediate }).toEqual({ dto: dto.name, immediate: false });
    }
  });

  it('generated inputs: same outcome on both paths', async () => {
    // mulberry32: small, seeded, reproducible.
    let state = 0x5eed;
    const next = (): number => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const values: unknown[] = ['', 'a', 'abc', 'Ann', 'ann@example.com', 'high', 'simple', 'custom', 0, -1, 1.5, 30, true, false, null, [], ['a'], [[1]], {}, { value: 'v' }];
    const keys = [...new Set(INPUTS.flatMap((input) => Object.keys(input))), '__proto__'];
    let immediate = 0;
    for (let i = 0; i < 1500; i++) {
      const dto = pick(DTOS);
      const input: Record<string, unknown> = { ...pick(INPUTS) };
      for (let m = Math.floor(next() * 3); m > 0; m--) {
        Object.defineProperty(input, pick(keys), { value: pick(values), enumerable: true, configurable: true, writable: true });
      }
      const label = `#${i} ${dto.name} ${JSON.stringify(input)}`;
      const got = await actual(dto, fresh(input));
      if (got.immediate) immediate++;
      expect({ label, outcome: shape(got.outcome) }).toStrictEqual({ label, outcome: shape(await fullPath(dto, fresh(input))) });
    }
    // Not vacuous: the path without class-transformer answered part of them.
    expect(immediate).toBeGreaterThan(50);
  });

  it('keeps raw input as sent and refuses input that is not an object', async () => {
    const raw = { anything: 1 };
    expect(validateArguments({ kind: 'raw' }, raw, 't')).toBe(raw);
    for (const args of ['x', 1, [1]]) {
      expect(() => validateArguments({ kind: 'dto', dto: EchoInput }, args, 't')).toThrow(
        expect.objectContaining({ code: -32602, message: 'Invalid arguments for "t": expected an object' }),
      );
    }
    // No arguments: an empty object, refused by the DTO's own constraints.
    expect(() => validateArguments({ kind: 'dto', dto: EchoInput }, undefined, 't')).toThrow(expect.objectContaining({ code: -32602 }));
  });
});

/* ------------------------------------------------------------------ async constraints */

@ValidatorConstraint({ name: 'remoteCheck', async: true })
class RemoteCheck implements ValidatorConstraintInterface {
  async validate(value: unknown): Promise<boolean> {
    await new Promise((resolve) => setImmediate(resolve));
    return value === 'ok';
  }
}

class WithDeclaredAsync {
  @IsString() @Validate(RemoteCheck) status!: string;
}

// Answers with a promise without declaring `async: true`: validate() still awaits it.
@ValidatorConstraint({ name: 'eventuallyOk' })
class EventuallyOk implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> {
    return Promise.resolve(value === 'ok');
  }
}

class WithUndeclaredPromise {
  @Validate(EventuallyOk) status!: string;
}

describe('constraints that answer later', () => {
  it.each([WithDeclaredAsync, WithUndeclaredPromise].map((dto) => [dto.name, dto] as const))('%s: awaited, refused and accepted', async (_name, dto) => {
    await expect(validateArguments({ kind: 'dto', dto }, { status: 'no' }, 't')).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('status') });
    await expect(validateArguments({ kind: 'dto', dto }, { status: 'ok' }, 't')).resolves.toStrictEqual(Object.assign(new dto(), { status: 'ok' }));
  });
});

describe('two copies of class-transformer (as a bundler may load its ESM and CommonJS builds)', () => {
  it('still applies @Transform when the metadata readable here is not where the decorators write', async () => {
    // The decorators and plainToInstance are this test's class-transformer; the storage that
    // validation reads is a second, empty copy, so it cannot tell that the DTO is transformed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outer = require('class-transformer') as typeof import('class-transformer');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outerValidator = require('class-validator') as typeof import('class-validator');
    let isolated!: typeof import('../../src/pipeline/validation');
    jest.isolateModules(() => {
      jest.doMock('class-transformer', () => outer);
      jest.doMock('class-validator', () => outerValidator);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      isolated = require('../../src/pipeline/validation') as typeof import('../../src/pipeline/validation');
    });
    class Name {
      @outer.Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
      @IsString()
      name!: string;
    }
    await expect(isolated.validateArguments({ kind: 'dto', dto: Name }, { name: '  Ann ' }, 't')).resolves.toStrictEqual(Object.assign(new Name(), { name: 'Ann' }));
  });
});
