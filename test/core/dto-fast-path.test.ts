import 'reflect-metadata';
import { Expose, Type, plainToInstance } from 'class-transformer';
import {
  Allow,
  Equals,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
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
import { compileDtoFastPath, fastPathFor } from '../../src/pipeline/dto-fast-path';
import { JsonRpcError } from '../../src/pipeline/json-rpc-error';
import { validateArguments } from '../../src/pipeline/validation';
import type { DtoClass } from '../../src/decorators/tool.decorator';

/* ------------------------------------------------------------------ DTOs */

class EchoInput {
  @IsString() text!: string;
}

class Profile {
  @IsString() @Length(1, 10) name!: string;
  @IsInt() @Min(0) @Max(120) age!: number;
  @IsEmail() email!: string;
  @IsIn(['a', 'b']) kind!: string;
  @IsBoolean() active!: boolean;
  @IsOptional() @IsNumber() score?: number;
  @IsOptional() @Matches(/^x\d+$/) code?: string;
  @IsOptional() @IsNotEmpty() note?: string;
}

class Search {
  @IsString() q!: string;
  @IsOptional() @IsInt() @Min(1) limit = 10;
  // No decorators: whitelisted away even though the constructor sets it.
  page = 1;
  cursor?: string;
}

class Conditional {
  @IsIn(['simple', 'custom']) mode!: string;
  @ValidateIf((o: Conditional) => o.mode === 'custom') @IsString() @Length(2, 4) customValue?: string;
  @IsDefined() must!: unknown;
  @Allow() anything?: unknown;
  @IsOptional() @Equals('yes') confirm?: string;
}

class BaseEntity {
  @IsString() id!: string;
  @IsInt() count!: number;
}

class DerivedEntity extends BaseEntity {
  // Overrides the inherited CUSTOM_VALIDATION on `id` (class-validator keeps only the subclass's).
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
  @IsString() label!: string;
  @IsOptional() @ValidateNested() child?: Child;
}

class WithExpose {
  @Expose({ name: 'user_name' }) @IsString() userName!: string;
}

@ValidatorConstraint({ name: 'startsWithA' })
class StartsWithA implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && value.startsWith('a');
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must start with "a"`;
  }
}

class WithCustom {
  @Validate(StartsWithA) word!: string;
}

@ValidatorConstraint({ name: 'sameAs' })
class SameAs implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const [other] = args.constraints as [string];
    return value === (args.object as Record<string, unknown>)[other];
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must equal ${String(args.constraints[0])}`;
  }
}

class Signup {
  @IsString() @Length(3, 20) password!: string;
  @Validate(SameAs, ['password']) confirm!: string;
}

// Answers with a promise (except for 'sync') although it does not declare `async: true`.
@ValidatorConstraint({ name: 'eventuallyOk' })
class EventuallyOk implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> | boolean {
    if (value === 'sync') return true;
    if (value === 'boom') return Promise.reject(new Error('validator failed'));
    return Promise.resolve(value === 'ok');
  }
}

class WithUndeclaredPromise {
  @Validate(EventuallyOk) status!: string;
}

@ValidatorConstraint({ name: 'remoteCheck', async: true })
class RemoteCheck implements ValidatorConstraintInterface {
  validate(value: unknown): Promise<boolean> {
    return Promise.resolve(value === 'ok');
  }
}

class WithDeclaredAsync {
  @Validate(RemoteCheck) status!: string;
}

class WithGroups {
  @IsString() name!: string;
  // Without groups in the validate() options, grouped validators still run.
  @IsString({ groups: ['admin'] }) secret!: string;
}

class WithEach {
  @IsOptional() @IsString({ each: true }) tags?: string[];
  // A constructor default that is a collection: `each` validates its items.
  @IsString({ each: true }) labels: string[] = [];
}

class WithMembers {
  @IsString() text!: string;
  get upper(): string {
    return this.text?.toUpperCase();
  }
  describe(): string {
    return `text=${this.text}`;
  }
}

class AllOptional {
  @IsOptional() @IsString() text?: string;
}

class WithValidateIfOption {
  @IsIn(['strict', 'loose']) kind!: string;
  @IsString() @Length(5, 10, { validateIf: (o: WithValidateIfOption) => o.kind === 'strict' }) code!: string;
}

class EachDefault {
  @IsString() name!: string;
  // Each item must be non-empty; the array itself is not empty. The default is invalid.
  @IsNotEmpty({ each: true }) labels: string[] = [''];
}

class WithAccessor {
  @IsString() text!: string;
  private stored: string | undefined = 'initial';
  @IsOptional()
  @IsString()
  get alias(): string | undefined {
    return this.stored;
  }
  set alias(value: string | undefined) {
    this.stored = value;
  }
}

class StrictText {
  @IsString() text!: string;
}

// Its constructor returns another class's instance: validation follows `instance.constructor`.
class ReturnsOther {
  @IsOptional() @IsString() text?: string;
  constructor() {
    return new StrictText() as unknown as ReturnsOther;
  }
}

// Undecorated fields named like Object.prototype members: the executor's whitelist looks them up
// on a plain object, so `isPrototypeOf` (a function of length 1) survives and `valueOf` does not.
class ObjectMemberFields {
  @IsString() text!: string;
  constructor() {
    // Assigned, not declared: as fields they would clash with Object's method types.
    Object.assign(this, { isPrototypeOf: 'kept', valueOf: 'dropped' });
  }
}

class NoDecorators {
  text = 'x';
}

/* ------------------------------------------------------------------ reference */

const OPTIONS = { whitelist: true, forbidUnknownValues: true, validationError: { target: false, value: false } } as const;

type Outcome =
  | { kind: 'accepted'; instance: object }
  | { kind: 'rejected'; code: number; message: string; data: unknown }
  | { kind: 'threw'; error: unknown };

/** The full path only: plainToInstance + validate with validateArguments' options and messages. */
async function reference(dto: DtoClass, args: object, targetName: string): Promise<Outcome> {
  try {
    const instance = plainToInstance(dto, args) as object;
    const errors = await validate(instance, OPTIONS);
    if (errors.length === 0) return { kind: 'accepted', instance };
    const violations = flatten(errors);
    const detail = violations
      .map((v) => `${v.property}: ${Object.entries(v.constraints).map(([name, message]) => `${message} (${name})`).join('; ')}`)
      .join('; ');
    return { kind: 'rejected', code: -32602, message: `Invalid arguments for "${targetName}": ${detail}`, data: { violations } };
  } catch (error) {
    return { kind: 'threw', error };
  }
}

function flatten(errors: ValidationError[], prefix = ''): { property: string; constraints: Record<string, string> }[] {
  return errors.flatMap((error) => {
    const property = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ property, constraints: error.constraints }] : [];
    return [...own, ...flatten(error.children ?? [], property)];
  });
}

async function actual(dto: DtoClass, args: object, targetName: string): Promise<Outcome> {
  try {
    return { kind: 'accepted', instance: (await validateArguments({ kind: 'dto', dto }, args, targetName)) as object };
  } catch (error) {
    if (error instanceof JsonRpcError) return { kind: 'rejected', code: error.code, message: error.message, data: error.data };
    return { kind: 'threw', error };
  }
}

function expectSameInstance(got: object, want: object, label: string): void {
  expect({ label, proto: Object.getPrototypeOf(got) }).toEqual({ label, proto: Object.getPrototypeOf(want) });
  expect({ label, keys: Object.keys(got) }).toEqual({ label, keys: Object.keys(want) });
  expect({ label, instance: got }).toStrictEqual({ label, instance: want });
}

function expectSameOutcome(got: Outcome, want: Outcome, label: string): void {
  expect({ label, kind: got.kind }).toEqual({ label, kind: want.kind });
  if (got.kind === 'accepted' && want.kind === 'accepted') expectSameInstance(got.instance, want.instance, label);
  if (got.kind === 'rejected' && want.kind === 'rejected') {
    expect({ label, code: got.code, message: got.message, data: got.data }).toEqual({ label, code: want.code, message: want.message, data: want.data });
  }
  if (got.kind === 'threw' && want.kind === 'threw') expect(String(got.error)).toBe(String(want.error));
}

/** Fresh input per run (class-transformer or validators must not see a shared object); keeps an own `__proto__` key. */
const fresh = (input: object): object => JSON.parse(JSON.stringify(input)) as object;

/* ------------------------------------------------------------------ cases */

const COMMON_INPUTS: object[] = [
  {},
  { extra: 'x' },
  { extra: { nested: true } },
  { extra: [1, 2] },
  JSON.parse('{"__proto__": {"polluted": true}}') as object,
  JSON.parse('{"__proto__": 1}') as object,
  { constructor: 'x' },
  { toString: 'x' },
  { hasOwnProperty: 'x' },
  { valueOf: 1 },
];

interface Case {
  dto: DtoClass;
  eligible: boolean;
  /** Inputs the fast path itself must accept (proves it runs). */
  fastValid: object[];
  inputs: object[];
}

const CASES: Case[] = [
  {
    dto: EchoInput,
    eligible: true,
    fastValid: [{ text: 'hi' }, { text: '' }, { text: 'hi', extra: 1 }, { text: 'héllo ✓ 🎉' }],
    inputs: [
      { text: 1 },
      { text: null },
      { text: true },
      { text: ['a'] },
      { text: { a: 1 } },
      { text: 'a'.repeat(10_000) },
      { text: 'x', extra: { a: 1 } },
      JSON.parse('{"text": "x", "__proto__": {"text": 1}}') as object,
      { text: 'x', constructor: 'y' },
    ],
  },
  {
    dto: Profile,
    eligible: true,
    fastValid: [
      { name: 'Ann', age: 30, email: 'ann@example.com', kind: 'a', active: true },
      { name: 'Bob', age: 0, email: 'bob@example.com', kind: 'b', active: false, score: 1.5, code: 'x12', note: 'n' },
    ],
    inputs: [
      { name: '', age: 30, email: 'ann@example.com', kind: 'a', active: true },
      { name: 'Ann', age: '30', email: 'ann@example.com', kind: 'a', active: true },
      { name: 'Ann', age: 30.5, email: 'ann@example.com', kind: 'a', active: true },
      { name: 'Ann', age: -1, email: 'ann@example.com', kind: 'a', active: true },
      { name: 'Ann', age: 121, email: 'not-an-email', kind: 'c', active: 'true' },
      { name: 'Ann', age: 30, email: 'ann@example.com', kind: 'a', active: true, score: '1' },
      { name: 'Ann', age: 30, email: 'ann@example.com', kind: 'a', active: true, score: null, code: null, note: null },
      { name: 'Ann', age: 30, email: 'ann@example.com', kind: 'a', active: true, code: 'y1' },
      { name: 'Ann', age: 30, email: 'ann@example.com', kind: 'a', active: true, note: '' },
      { name: 'Ann', age: 30, email: 'ann@example.com', kind: 'a', active: true, extra: 'dropped' },
      { name: 'Ann', age: 30, email: 'ann@example.com', kind: ['a'], active: true },
    ],
  },
  {
    dto: Search,
    eligible: true,
    fastValid: [{ q: 'x' }, { q: 'x', limit: 5 }, { q: 'x', limit: null }],
    // `page` and `cursor` are own (class fields), so present in input they go to the full path.
    inputs: [{ q: 'x', cursor: 'c' }, { q: 'x', limit: 0 }, { q: 'x', limit: '5' }, { q: 'x', page: 3 }, { q: 'x', page: 'x' }, { limit: 5 }],
  },
  {
    dto: Conditional,
    eligible: true,
    fastValid: [
      { mode: 'simple', must: 1 },
      { mode: 'simple', must: 'x', customValue: 123 },
      { mode: 'custom', must: false, customValue: 'abc', anything: 'kept', confirm: 'yes' },
    ],
    inputs: [
      { mode: 'custom', must: 1 },
      { mode: 'custom', must: 1, customValue: 'a' },
      { mode: 'simple' },
      { mode: 'simple', must: null },
      { mode: 'simple', must: { a: 1 } },
      { mode: 'simple', must: 1, confirm: 'no' },
      { mode: 'simple', must: 1, anything: [1, { a: 2 }] },
      // class-transformer's copy of a nested object drops `constructor`: objects are not copied as is.
      { mode: 'simple', must: { constructor: 'x', a: 1 } },
      { mode: 'simple', must: 1, anything: [{ constructor: 'x' }] },
    ],
  },
  {
    dto: DerivedEntity,
    eligible: true,
    fastValid: [{ id: 'abc', count: 1, flag: true }, { id: 'abcd', count: 2, flag: false }],
    inputs: [{ id: 12, count: 1, flag: true }, { id: 'a', count: 1, flag: true }, { id: 'abc', count: 'x', flag: true }, { id: 'abc', count: 1 }],
  },
  {
    dto: BaseEntity,
    eligible: true,
    fastValid: [{ id: 'a', count: 1 }],
    inputs: [{ id: 12, count: 1 }, { id: 'a', count: 1, flag: true }],
  },
  {
    dto: WithTypedNested,
    eligible: false,
    fastValid: [],
    inputs: [{ label: 'x', child: { value: 'v' } }, { label: 'x', child: { value: 1 } }, { label: 'x' }, { label: 'x', child: 'v' }],
  },
  {
    dto: WithUntypedNested,
    eligible: true,
    fastValid: [{ label: 'x' }],
    inputs: [{ label: 'x', child: { value: 'v' } }, { label: 'x', child: 'v' }, { label: 'x', child: null }],
  },
  {
    dto: WithExpose,
    eligible: false,
    fastValid: [],
    inputs: [{ user_name: 'x' }, { userName: 'x' }, { user_name: 1 }],
  },
  {
    dto: WithCustom,
    eligible: true,
    fastValid: [{ word: 'apple' }],
    inputs: [{ word: 'pear' }, { word: 1 }],
  },
  {
    dto: Signup,
    eligible: true,
    fastValid: [{ password: 'secret', confirm: 'secret' }],
    inputs: [{ password: 'secret', confirm: 'other' }, { password: 'secret' }, { confirm: 'secret' }, { password: 1, confirm: 1 }],
  },
  {
    dto: WithDeclaredAsync,
    eligible: false,
    fastValid: [],
    inputs: [{ status: 'ok' }, { status: 'no' }],
  },
  {
    dto: WithGroups,
    eligible: true,
    fastValid: [{ name: 'n', secret: 's' }],
    inputs: [{ name: 'n' }, { name: 'n', secret: 1 }],
  },
  {
    dto: WithEach,
    eligible: true,
    // `labels` defaults to an array, so with `each` every call is left to the full path.
    fastValid: [],
    inputs: [{ tags: ['a', 'b'] }, { tags: ['a', 1] }, { tags: 'a' }, { tags: 1 }, { labels: ['x'] }, { labels: [1] }],
  },
  {
    dto: WithMembers,
    eligible: true,
    fastValid: [{ text: 'x' }],
    inputs: [{ text: 'x', upper: 'Y' }, { text: 'x', describe: 'y' }, { text: 1, toString: 'y' }],
  },
  {
    dto: AllOptional,
    eligible: true,
    fastValid: [{}, { text: 'x' }, { text: null }, { other: 1 }],
    inputs: [{ text: 1 }],
  },
  {
    dto: WithValidateIfOption,
    eligible: true,
    fastValid: [{ kind: 'loose', code: 'ab' }, { kind: 'strict', code: 'abcdef' }],
    inputs: [{ kind: 'strict', code: 'ab' }, { kind: 'loose', code: 1 }],
  },
  {
    dto: EachDefault,
    eligible: true,
    fastValid: [],
    inputs: [{ name: 'x' }, { name: 'x', labels: ['a'] }, { name: 'x', labels: [''] }, { name: 'x', labels: 'a' }],
  },
  {
    dto: WithAccessor,
    eligible: true,
    fastValid: [{ text: 'x' }],
    inputs: [{ text: 'x', alias: 'y' }, { text: 'x', alias: 1 }, { text: 'x', stored: 'z' }],
  },
  {
    dto: ReturnsOther,
    eligible: true,
    fastValid: [],
    inputs: [{ text: 'x' }, { text: 1 }],
  },
  {
    dto: ObjectMemberFields,
    eligible: true,
    fastValid: [{ text: 'x' }],
    inputs: [{ text: 1 }, { text: 'x', isPrototypeOf: 'y' }],
  },
  {
    dto: NoDecorators,
    eligible: false,
    fastValid: [],
    inputs: [{ text: 'y' }],
  },
];

// Run last: its first call turns its fast path off for good.
const PROMISE_CASE: Case = {
  dto: WithUndeclaredPromise,
  eligible: true,
  fastValid: [],
  inputs: [{ status: 'ok' }, { status: 'no' }, { status: 1 }, { status: 'sync' }, { status: 'boom' }],
};

/* ------------------------------------------------------------------ tests */

describe('compileDtoFastPath eligibility', () => {
  it.each(CASES.map((c) => [c.dto.name, c] as const))('%s', (_name, testCase) => {
    const fastPath = compileDtoFastPath(testCase.dto);
    expect(fastPath === undefined ? 'ineligible' : 'eligible').toBe(testCase.eligible ? 'eligible' : 'ineligible');
  });

  it('validateArguments uses the cached fast path', async () => {
    const fastPath = fastPathFor(EchoInput);
    expect(fastPath).toBeDefined();
    expect(fastPathFor(EchoInput)).toBe(fastPath);
    const result = await validateArguments({ kind: 'dto', dto: EchoInput }, { text: 'hi', extra: 1 }, 'echo');
    expect(result).toBeInstanceOf(EchoInput);
    expect(result).toStrictEqual(Object.assign(new EchoInput(), { text: 'hi' }));
  });
});

describe('fast path against the full path', () => {
  it.each(CASES.filter((c) => c.fastValid.length > 0).map((c) => [c.dto.name, c] as const))(
    '%s: the fast path itself accepts valid input with the full path instance',
    async (_name, testCase) => {
      const fastPath = compileDtoFastPath(testCase.dto)!;
      for (const input of testCase.fastValid) {
        const label = `${testCase.dto.name} ${JSON.stringify(input)}`;
        const fast = fastPath(fresh(input));
        expect({ label, accepted: fast !== undefined }).toEqual({ label, accepted: true });
        const want = await reference(testCase.dto, fresh(input), 't');
        expect({ label, kind: want.kind }).toEqual({ label, kind: 'accepted' });
        if (want.kind === 'accepted') expectSameInstance(fast!, want.instance, label);
      }
    },
  );

  it.each(CASES.map((c) => [c.dto.name, c] as const))('%s: same outcome for every input', async (_name, testCase) => {
    const fastPath = compileDtoFastPath(testCase.dto);
    for (const input of [...testCase.fastValid, ...testCase.inputs, ...COMMON_INPUTS]) {
      const label = `${testCase.dto.name} ${JSON.stringify(input)}`;
      const want = await reference(testCase.dto, fresh(input), 't');
      // Whatever the fast path accepts, the full path accepts with the same instance.
      const fast = fastPath?.(fresh(input));
      if (fast !== undefined) {
        expect({ label, kind: want.kind }).toEqual({ label, kind: 'accepted' });
        if (want.kind === 'accepted') expectSameInstance(fast, want.instance, label);
      }
      expectSameOutcome(await actual(testCase.dto, fresh(input), 't'), want, label);
    }
  });

  it('leaves inputs with a getter-only or method name to the full path', () => {
    const fastPath = compileDtoFastPath(WithMembers)!;
    expect(fastPath({ text: 'x', upper: 'Y' })).toBeUndefined();
    expect(fastPath({ text: 'x', describe: 'y' })).toBeUndefined();
    expect(fastPath(JSON.parse('{"text": "x", "__proto__": {}}') as object)).toBeUndefined();
    expect(fastPath({ text: 'x', constructor: 'y' })).toBeUndefined();
    // A validated accessor: class-transformer reads the getter, then calls the setter.
    expect(compileDtoFastPath(WithAccessor)!({ text: 'x', alias: 'y' })).toBeUndefined();
  });

  it('leaves objects that are not plain (Set, Date, Buffer, class instances) to the full path', async () => {
    class Holder {
      text = 'x';
    }
    const nullPrototype = Object.assign(Object.create(null) as object, { text: 'x' });
    const inputs: [string, () => object][] = [
      ['Set', () => new Set(['x'])],
      ['Map', () => new Map([['text', 'x']])],
      ['Date', () => new Date(0)],
      ['Buffer', () => Buffer.from('x')],
      ['class instance', () => new Holder()],
      ['inherited keys', () => Object.create({ text: 'x' }) as object],
      ['null prototype', () => Object.assign(Object.create(null) as object, { text: 'x' })],
    ];
    for (const [label, make] of inputs) {
      expectSameOutcome(await actual(AllOptional, make(), 't'), await reference(AllOptional, make(), 't'), label);
    }
    const fastPath = compileDtoFastPath(AllOptional)!;
    expect(fastPath(new Set(['x']))).toBeUndefined();
    expect(fastPath(new Date(0))).toBeUndefined();
    // A null-prototype object is plain: class-transformer copies it like any other.
    expect(fastPath(nullPrototype)).toStrictEqual(Object.assign(new AllOptional(), { text: 'x' }));
  });

  it('rejects through the full path with its message', async () => {
    await expect(validateArguments({ kind: 'dto', dto: Signup }, { password: 'secret', confirm: 'nope' }, 'signup')).rejects.toMatchObject({
      code: -32602,
      message: 'Invalid arguments for "signup": confirm: confirm must equal password (sameAs)',
    });
  });

  it('a constraint answering with a promise (not declared async) turns the fast path off, results still match', async () => {
    const fastPath = compileDtoFastPath(PROMISE_CASE.dto)!;
    expect(fastPath).toBeDefined();
    expect(fastPath({ status: 'sync' })).toBeInstanceOf(WithUndeclaredPromise);
    expect(fastPath({ status: 'ok' })).toBeUndefined();
    // Off for good, even for input the constraint answers synchronously.
    expect(fastPath({ status: 'sync' })).toBeUndefined();
    for (const input of [...PROMISE_CASE.inputs, ...COMMON_INPUTS]) {
      const label = `${PROMISE_CASE.dto.name} ${JSON.stringify(input)}`;
      expectSameOutcome(await actual(PROMISE_CASE.dto, fresh(input), 't'), await reference(PROMISE_CASE.dto, fresh(input), 't'), label);
    }
    await expect(validateArguments({ kind: 'dto', dto: WithUndeclaredPromise }, { status: 'boom' }, 't')).rejects.toThrow('validator failed');
    await expect(validateArguments({ kind: 'dto', dto: WithUndeclaredPromise }, { status: 'no' }, 't')).rejects.toBeInstanceOf(JsonRpcError);
    await expect(validateArguments({ kind: 'dto', dto: WithUndeclaredPromise }, { status: 'ok' }, 't')).resolves.toBeInstanceOf(WithUndeclaredPromise);
  });
});

it('a promise the fast path abandons does not become an unhandled rejection', async () => {
  const unhandled: unknown[] = [];
  const listener = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', listener);
  try {
    expect(compileDtoFastPath(WithUndeclaredPromise)!({ status: 'boom' })).toBeUndefined();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  expect(unhandled).toEqual([]);
});

describe('randomized differential', () => {
  // mulberry32: small, seeded, reproducible.
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const VALUES: unknown[] = [
    '', 'a', 'ab', 'abc', 'apple', 'secret', 'x1', 'x', 'yes', 'ok', 'custom', 'simple', 'NaN', 'Infinity', '1', '-1', '1.5',
    'true', 'ann@example.com', 'a'.repeat(300), 'héllo ✓ 🎉', '\u0000', 0, -1, 1, 1.5, 100, 121, 1e21, true, false, null,
    [], ['a'], [1], {}, { value: 'v' },
  ];
  const EXTRA_KEYS = ['extra', 'constructor', 'toString', '__proto__', 'page', 'labels'];
  const DTOS = [...CASES.map((c) => c.dto)];

  function propertyNames(dto: DtoClass): string[] {
    const names = new Set<string>();
    for (const c of CASES.filter((candidate) => candidate.dto === dto)) {
      for (const input of [...c.fastValid, ...c.inputs]) for (const key of Object.keys(input)) names.add(key);
    }
    return [...names];
  }

  it('3000 generated inputs give the same outcome on both paths', async () => {
    const next = random(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    let fastAccepted = 0;
    for (let i = 0; i < 3000; i++) {
      const dto = pick(DTOS);
      const keys = [...propertyNames(dto), ...EXTRA_KEYS];
      // Start from a valid input most of the time so that the accepted side is exercised too.
      const validSeeds = CASES.find((c) => c.dto === dto)!.fastValid;
      const base: Record<string, unknown> = validSeeds.length > 0 && next() < 0.6 ? { ...pick(validSeeds) } : {};
      const mutations = Math.floor(next() * 3);
      for (let m = 0; m < mutations; m++) {
        const key = pick(keys);
        if (next() < 0.2) delete base[key];
        else Object.defineProperty(base, key, { value: pick(VALUES), enumerable: true, configurable: true, writable: true });
      }
      const label = `#${i} ${dto.name} ${JSON.stringify(base)}`;
      const want = await reference(dto, fresh(base), 'r');
      const fast = fastPathFor(dto)?.(fresh(base));
      if (fast !== undefined) {
        fastAccepted++;
        expect({ label, kind: want.kind }).toEqual({ label, kind: 'accepted' });
        if (want.kind === 'accepted') expectSameInstance(fast, want.instance, label);
      }
      expectSameOutcome(await actual(dto, fresh(base), 'r'), want, label);
    }
    // The comparison above would pass vacuously if the fast path never answered.
    expect(fastAccepted).toBeGreaterThan(300);
  });
});

describe('two copies of class-transformer (as a bundler may load its ESM and CommonJS builds)', () => {
  it('leaves every DTO to the full path when the metadata it can read is not where the decorators write', () => {
    // Here the decorators and plainToInstance are this test's class-transformer, while the fast
    // path's own require of class-transformer's storage loads a second, empty copy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outer = require('class-transformer') as typeof import('class-transformer');
    jest.isolateModules(() => {
      jest.doMock('class-transformer', () => outer);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const isolated = require('../../src/pipeline/dto-fast-path') as typeof import('../../src/pipeline/dto-fast-path');
      class Trimmed {
        @outer.Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
        @IsString()
        name!: string;
      }
      class Plain {
        @IsString()
        name!: string;
      }
      expect(isolated.fastPathFor(Trimmed)).toBeUndefined();
      expect(isolated.fastPathFor(Plain)).toBeUndefined();
    });
    expect(fastPathFor(EchoInput)).toBeDefined();
  });
});

describe('a tool call whose arguments the fast path cannot settle', () => {
  it('runs the validators once in the fast path and once in the full path, then refuses with -32602', async () => {
    let checks = 0;
    @ValidatorConstraint({ name: 'countedStartsWithA' })
    class Counted implements ValidatorConstraintInterface {
      validate(value: unknown): boolean {
        checks += 1;
        return typeof value === 'string' && value.startsWith('a');
      }
    }
    class Word {
      @Validate(Counted) word!: string;
    }
    const { NextMCP } = await import('../../src');
    const { connectTestClient } = await import('../../src/testing');
    const mcp = new NextMCP({ name: 'counted', version: '1' }).tool('word', { input: Word }, async (input) => (input as Word).word);
    const { client, close } = await connectTestClient(mcp);
    try {
      await expect(client.callTool({ name: 'word', arguments: { word: 'banana' } })).rejects.toMatchObject({ code: -32602 });
      expect(checks).toBe(2);
    } finally {
      await close();
      await mcp.close();
    }
  });
});
