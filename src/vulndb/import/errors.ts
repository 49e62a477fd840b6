// Where a bad record is, and what is wrong with it: `file[!entry]:json-path: message`.

/** Where a record was read from: the file, the zip entry, and the JSON path of the record itself. */
export interface RecordLocation {
  file: string;
  /** Entry name inside a zip. */
  entry?: string;
  /** Path of the record inside its document, e.g. `[3]` for the fourth record of an array. */
  path?: string;
}

export interface ImportError {
  file: string;
  entry?: string;
  /** JSON path inside the file or entry, e.g. `affected[0].ranges[1].events[2]`. */
  path?: string;
  message: string;
}

/** A record that does not follow its format. */
export class RecordError extends Error {
  constructor(
    readonly where: RecordLocation,
    readonly jsonPath: string,
    readonly reason: string,
  ) {
    super(formatImportError({ ...where, path: jsonPath, message: reason }));
  }

  toImportError(): ImportError {
    return { file: this.where.file, ...(this.where.entry ? { entry: this.where.entry } : {}), ...(this.jsonPath ? { path: this.jsonPath } : {}), message: this.reason };
  }
}

/** `file[!entry][:json-path]: message`, one line. */
export function formatImportError(error: ImportError): string {
  const place = `${error.file}${error.entry ? `!${error.entry}` : ''}${error.path ? `:${error.path}` : ''}`;
  return `${place}: ${error.message}`;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Appends a key or index to a JSON path: `a` + `b` → `a.b`, `a` + 2 → `a[2]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}
