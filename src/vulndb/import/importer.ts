import type { Advisory } from '../model.js';
import type { AdvisoryStore } from '../store/index.js';
import { isAlpineSecdb, mergeAlpineAdvisory, parseAlpineSecdb } from './alpine-secdb.js';
import { RecordError, type ImportError, type RecordLocation } from './errors.js';
import { parseOsvRecord } from './osv.js';

// Turns parsed documents into stored advisories, in batches, collecting errors instead of stopping.

const BATCH = 2_000;

export interface ImportProgress {
  file: string;
  /** Advisories written so far in this run. */
  imported: number;
}

export interface ImportCounts {
  imported: number;
  skipped: number;
  errors: ImportError[];
}

/** Writes advisories from many documents into one store under one source name. */
export class Importer {
  readonly counts: ImportCounts = { imported: 0, skipped: 0, errors: [] };
  /** Formats seen: `osv`, `alpine-secdb`. */
  readonly kinds = new Set<string>();
  private batch: Advisory[] = [];

  constructor(
    private readonly store: AdvisoryStore,
    private sourceName: string,
    private readonly onProgress?: (progress: ImportProgress) => void,
  ) {}

  /** Where the next advisories are recorded as coming from. */
  setSource(name: string): void {
    this.flush();
    this.sourceName = name;
  }

  error(error: ImportError): void {
    this.counts.errors.push(error);
  }

  /** Parses JSON text and adds what it holds; a syntax error is reported for the file (or entry). */
  addJsonText(text: string, where: RecordLocation, modified: Date): void {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (error) {
      this.error({ file: where.file, ...(where.entry ? { entry: where.entry } : {}), message: `invalid JSON: ${(error as Error).message}` });
      return;
    }
    this.addDocument(doc, where, modified);
  }

  /** Adds a parsed document: a secdb file, an OSV record, or an array of OSV records. */
  addDocument(doc: unknown, where: RecordLocation, modified: Date): void {
    if (isAlpineSecdb(doc)) {
      this.kinds.add('alpine-secdb');
      const advisories = parseAlpineSecdb(doc, where, modified.toISOString(), (error) => this.error(error.toImportError()));
      this.flush();
      this.write(advisories.map((advisory) => this.mergedWithStored(advisory)));
      return;
    }
    this.kinds.add('osv');
    if (Array.isArray(doc)) doc.forEach((record, i) => this.addOsv(record, { ...where, path: `[${i}]` }));
    else this.addOsv(doc, where);
    this.onProgress?.({ file: where.file, imported: this.counts.imported + this.batch.length });
  }

  /** Writes what is still batched. */
  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.write(batch);
  }

  private addOsv(record: unknown, where: RecordLocation): void {
    try {
      this.batch.push(parseOsvRecord(record, where));
    } catch (error) {
      if (!(error instanceof RecordError)) throw error;
      this.error(error.toImportError());
      return;
    }
    if (this.batch.length >= BATCH) this.flush();
  }

  private write(advisories: Advisory[]): void {
    const result = this.store.upsert(advisories, this.sourceName);
    this.counts.imported += result.written;
    this.counts.skipped += result.skipped;
  }

  /** An Alpine advisory already stored from another branch's secdb keeps that branch's packages. */
  private mergedWithStored(advisory: Advisory): Advisory {
    const stored = this.store.get(advisory.id);
    return stored?.source.startsWith('alpine-secdb:') ? mergeAlpineAdvisory(stored, advisory) : advisory;
  }
}
