import { Transform, TransformationType } from 'class-transformer';
import type { MetadataStorage } from 'class-transformer/types/MetadataStorage';
import type { DtoClass } from '../decorators/tool.decorator';

/**
 * class-transformer's metadata singleton (`@Type`, `@Transform`, `@Expose`, `@Exclude`). The
 * package declares it (types/storage.d.ts) but does not re-export it from its root.
 */
export const transformerStorage: MetadataStorage | undefined = loadStorage();

function loadStorage(): MetadataStorage | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('class-transformer/cjs/storage') as { defaultMetadataStorage?: MetadataStorage }).defaultMetadataStorage;
  } catch {
    return undefined;
  }
}

let readable: boolean | undefined;

/**
 * Whether the storage above is the one the decorators write to: a bundler may load the package's
 * ESM build for `import { Transform }` and this CommonJS file, two copies. Asked once, with a
 * decorator applied to a throwaway class.
 */
function storageIsReadable(): boolean {
  if (readable === undefined) {
    class Probe {}
    Transform(({ value }: { value: unknown }) => value)(Probe.prototype, 'probe');
    try {
      readable = transformerStorage?.findTransformMetadatas(Probe, 'probe', TransformationType.PLAIN_TO_CLASS).length === 1;
    } catch {
      readable = false;
    }
  }
  return readable;
}

/**
 * True unless class-transformer certainly does nothing for `dto` but copy the given properties:
 * no class-wide strategy, no `@Expose`/`@Exclude` anywhere on the class or its parents, no
 * `@Type`/`@Transform` on these properties. True as well when that cannot be read.
 */
export function hasTransformerMetadata(dto: DtoClass, properties: Iterable<string>): boolean {
  const storage = transformerStorage;
  if (!storage || !storageIsReadable()) return true;
  try {
    if (storage.getStrategy(dto) !== 'none') return true;
    if (storage.getExposedMetadatas(dto).length > 0 || storage.getExcludedMetadatas(dto).length > 0) return true;
    for (const property of properties) {
      if (storage.findTypeMetadata(dto, property)) return true;
      if (storage.findTransformMetadatas(dto, property, TransformationType.PLAIN_TO_CLASS).length > 0) return true;
    }
    return false;
  } catch {
    return true;
  }
}
