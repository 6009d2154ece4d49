/** The newest result schema this chaingate reads (GateResult.schemaVersion). */
export const RESULT_SCHEMA_VERSION = 1;
