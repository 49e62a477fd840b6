// Typings for js-yaml 4, installed under the npm alias `js-yaml-4` (js-yaml 5 is `js-yaml`).
// Only what kubeward uses; see node_modules/js-yaml-4/index.js.
declare module 'js-yaml-4' {
  namespace yaml {
    type Kind = 'scalar' | 'sequence' | 'mapping';

    interface TypeOptions {
      kind: Kind;
      /** Whether this type accepts the node: a string (or null for an empty scalar), array or object. */
      resolve?: (data: any) => boolean;
      construct?: (data: any, tag?: string) => unknown;
      instanceOf?: new (...args: any[]) => unknown;
      predicate?: (data: unknown) => boolean;
      represent?: ((data: any, style?: string) => unknown) | Record<string, (data: any) => unknown>;
      representName?: (data: unknown) => string;
      defaultStyle?: string;
      multi?: boolean;
      styleAliases?: Record<string, Array<string | number>>;
    }

    class Type {
      constructor(tag: string, options: TypeOptions);
      readonly tag: string;
      readonly kind: Kind;
    }

    interface SchemaDefinition {
      implicit?: Type[];
      explicit?: Type[];
    }

    class Schema {
      constructor(definition: SchemaDefinition | Type[] | Type);
      extend(types: SchemaDefinition | Type[] | Type): Schema;
    }

    interface Mark {
      position: number;
      line: number;
      column: number;
    }

    class YAMLException extends Error {
      constructor(reason?: string, mark?: Mark);
      reason: string;
      mark?: Mark;
      toString(compact?: boolean): string;
    }

    interface LoadOptions {
      /** Schema to resolve tags with; default: js-yaml 4's DEFAULT_SCHEMA. */
      schema?: Schema;
      /** Shown in error messages. */
      filename?: string;
      /** Duplicate keys override instead of throwing. */
      json?: boolean;
      onWarning?: (this: null, warning: YAMLException) => void;
    }

    function load(str: string, opts?: LoadOptions): unknown;
    function loadAll(str: string, opts?: LoadOptions): unknown[];
    function loadAll(str: string, iterator: null | undefined, opts?: LoadOptions): unknown[];
    function loadAll(str: string, iterator: (doc: unknown) => void, opts?: LoadOptions): void;

    interface DumpOptions {
      schema?: Schema;
    }

    function dump(obj: unknown, opts?: DumpOptions): string;

    const FAILSAFE_SCHEMA: Schema;

    const types: {
      binary: Type;
      omap: Type;
      pairs: Type;
      set: Type;
      timestamp: Type;
      merge: Type;
      str: Type;
      seq: Type;
      map: Type;
    };
  }

  export default yaml;
}
