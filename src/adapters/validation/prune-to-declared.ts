import { createRequire } from 'node:module';
import { getMetadataStorage } from 'class-validator';

interface TypeMetadataStorage {
  findTypeMetadata(target: object, propertyName: string): { typeFunction: () => unknown } | undefined;
}

// class-transformer keeps @Type() metadata in a storage its index does not export; the
// package has no exports map, so its CommonJS build is reachable by path. Same instance as
// the decorators use, since Node resolves the package to that build either way.
const typeStorage = ((): TypeMetadataStorage | null => {
  try {
    return (createRequire(import.meta.url)('class-transformer/cjs/storage.js') as { defaultMetadataStorage: TypeMetadataStorage })
      .defaultMetadataStorage;
  } catch {
    return null;
  }
})();

interface Shape {
  readonly properties: ReadonlySet<string>;
  readonly nested: ReadonlyMap<string, new () => object>;
}

const shapes = new Map<new () => object, Shape>();

function shapeOf(target: new () => object): Shape {
  let shape = shapes.get(target);
  if (!shape) {
    const properties = new Set(getMetadataStorage().getTargetValidationMetadatas(target, '', true, false).map((m) => m.propertyName));
    const nested = new Map<string, new () => object>();
    for (const property of properties) {
      const type = typeStorage?.findTypeMetadata(target, property)?.typeFunction();
      if (typeof type === 'function') nested.set(property, type as new () => object);
    }
    shape = { properties, nested };
    shapes.set(target, shape);
  }
  return shape;
}

/**
 * Keeps only the properties a DTO class declares (recursively through @Type nested DTOs)
 * before class-transformer and class-validator walk the value. Channel payloads carry
 * far more than the hub reads, and both libraries cost time per property. Values of
 * nested properties whose class is unknown are kept whole, so pruning never hides input
 * from validation.
 */
export function pruneToDeclared(value: unknown, target: new () => object): unknown {
  if (Array.isArray(value)) return value.map((item) => pruneToDeclared(item, target));
  if (value === null || typeof value !== 'object') return value;
  const shape = shapeOf(target);
  if (shape.properties.size === 0) return value;
  const out: Record<string, unknown> = {};
  for (const property of shape.properties) {
    if (!Object.prototype.hasOwnProperty.call(value, property)) continue;
    const child = (value as Record<string, unknown>)[property];
    const nested = shape.nested.get(property);
    out[property] = nested ? pruneToDeclared(child, nested) : child;
  }
  return out;
}
