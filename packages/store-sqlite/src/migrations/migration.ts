/** One step of the schema, shipped with the package and applied once, in version order. */
export interface Migration {
  /** 1, 2, 3, …: contiguous, never reused. */
  readonly version: number;
  /** Recorded beside the version, so a database made by other code is told apart. */
  readonly name: string;
  /** SQLite statements, run in one transaction with the version's record. */
  readonly statements: readonly string[];
}
