// Defaults shared by the config schema and the code that runs without loading it (the SBOM
// command stays free of zod). Pure constants.

/**
 * Folders nobody ships: installed dependencies, VCS data, virtualenvs and test fixtures (which
 * hold deliberately vulnerable lockfiles). One list for the scanners and the SBOM.
 */
export const DEFAULT_SKIP_DIRS: readonly string[] = ['node_modules', 'vendor', '.git', 'fixtures', '__fixtures__', 'testdata', '.venv', 'venv'];

/** Code scanning's hard limit on results in one SARIF run: a larger run fails the upload. */
export const CODE_SCANNING_MAX_RESULTS_PER_RUN = 25_000;
