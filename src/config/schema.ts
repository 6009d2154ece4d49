// zod schemas: the single source of config types, defaults and validation. The JSON Schemas in
// schemas/ are generated from these (npm run schemas) and checked to match in the tests.
import picomatch from 'picomatch';
import { z } from 'zod';
import { CODE_SCANNING_MAX_RESULTS_PER_RUN, DEFAULT_SKIP_DIRS } from './defaults';
import { spdxIdProblem } from '../core/licenses';

export const FailOnLevelSchema = z.enum(['critical', 'high', 'medium', 'low', 'info', 'none']);
export type FailOnLevel = z.infer<typeof FailOnLevelSchema>;

export const ScannerNameSchema = z.enum(['semgrep', 'trivy-fs', 'trivy-image', 'audit', 'zizmor', 'headers']);
export type ScannerName = z.infer<typeof ScannerNameSchema>;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a real calendar date');

/**
 * Why picomatch cannot read a glob of an exception's `paths`, or undefined. Left to itself it
 * takes an unbalanced bracket, brace or parenthesis literally, and such an entry, a typo nearly
 * always, would match nothing and only show up as unused.
 */
function globProblem(glob: string): string | undefined {
  // Only brackets, braces and parentheses can be unbalanced: most globs need no parse at all.
  if (!/[[\]{}()]/.test(glob)) return undefined;
  // Files repeat the same globs across entries: each is compiled once.
  if (globProblems.has(glob)) return globProblems.get(glob);
  let problem: string | undefined;
  try {
    picomatch.makeRe(glob, { strictBrackets: true, dot: true });
  } catch (e) {
    problem = (e as Error).message;
  }
  if (globProblems.size > 10_000) globProblems.clear();
  globProblems.set(glob, problem);
  return problem;
}
const globProblems = new Map<string, string | undefined>();

const globSchema = z
  .string()
  .min(1)
  .superRefine((g, ctx) => {
    const problem = globProblem(g);
    if (problem) ctx.addIssue({ code: 'custom', message: `is not a glob chaingate can read (${problem})` });
  });

const denyPatternSchema = z
  .string()
  .regex(/^pkg:[a-z0-9.+-]+\/(?:@[^@\s/]+\/)?[^@\s]+(?:@\S+)?$/i, 'must be a package URL pattern such as pkg:npm/event-stream, pkg:npm/colors@>=1.4.1 or pkg:pypi/*-nightly');

const spdxIdSchema = z
  .string()
  .min(1)
  .superRefine((id, ctx) => {
    const problem = spdxIdProblem(id);
    if (problem) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(id)} ${problem}` });
  });

/** A URL the `headers` scanner requests: http(s) only, no user:password (it would land in reports). */
export const HeadersUrlSchema = z
  .string()
  .regex(/^https?:\/\//i, 'must be an http:// or https:// URL')
  .superRefine((u, ctx) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      ctx.addIssue({ code: 'custom', message: `${JSON.stringify(u)} is not an absolute URL` });
      return;
    }
    if (url.username || url.password) ctx.addIssue({ code: 'custom', message: 'a URL must not hold a user name or password' });
  });

const toolPathSchema = z.strictObject({ path: z.string().min(1).optional() });

const days = z.number().int().min(1);
/** Days per severity, or one number for all: `{critical: 7, high: 30, medium: 90, low: 180}`. */
export const SlaSettingSchema = z.union([
  days,
  z.strictObject({ critical: days.optional(), high: days.optional(), medium: days.optional(), low: days.optional() }),
]);

const projectFolderSchema = z.string().min(1).regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))/, 'a folder or glob inside the repository (no leading /, no ..)');

export const PolicySchema = z
  .strictObject({
    version: z.literal(1).default(1),
    'fail-on': z
      .strictObject({
        vulnerability: FailOnLevelSchema.default('high'),
        code: FailOnLevelSchema.default('high'),
        secret: FailOnLevelSchema.default('low'),
        misconfiguration: FailOnLevelSchema.default('high'),
        license: FailOnLevelSchema.default('none'),
        signature: FailOnLevelSchema.default('low'),
        policy: FailOnLevelSchema.default('low'),
      })
      .prefault({}),
    // Unrated findings (pip-audit, Go vulndb and PyPA advisories, Trivy's UNKNOWN) rank as high by
    // default, so that an unrated vulnerability blocks as osv-scanner's does: fail closed.
    'unknown-severity': z.enum(['critical', 'high', 'medium', 'low', 'info']).default('high'),
    'ignore-unfixed': z.boolean().default(false),
    'on-scanner-error': z.enum(['fail', 'warn']).default('fail'),
    /**
     * With a baseline (--baseline): `new` lets only findings the change introduced block, `all`
     * every finding. Unset: `new` with a baseline, `all` without.
     */
    block: z.enum(['new', 'all']).optional(),
    /**
     * Package URL patterns no change may add or move to: `pkg:npm/event-stream`,
     * `pkg:npm/colors@>=1.4.1`, `pkg:pypi/*-nightly`. A match is a finding of kind `policy`.
     */
    'deny-packages': z.array(denyPatternSchema).default([]),
    /**
     * License policy on the locked packages' SPDX expressions: a denied license, or one outside a
     * non-empty allow list, is a blocking finding of kind `license` whatever fail-on.license says.
     */
    licenses: z
      .strictObject({
        allow: z.array(spdxIdSchema).default([]),
        deny: z.array(spdxIdSchema).default([]),
        /** A package with no license, or one that is not an SPDX expression. */
        unknown: z.enum(['allow', 'warn', 'block']).default('warn'),
      })
      .optional(),
    exceptions: z
      .strictObject({
        file: z.string().min(1).default('.chaingate-exceptions.yml'),
        'max-active': z.number().int().min(0).optional(),
        /** No exception may expire further out than this (per severity of what it suppresses, with a map). */
        'max-days': SlaSettingSchema.optional(),
        'warn-within-days': z.number().int().min(0).default(14),
        vex: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    /** Days a finding may stay open, per severity; needs a first-seen date (a baseline) to apply. */
    sla: SlaSettingSchema.optional(),
    'sla-overdue': z.enum(['block', 'warn']).default('warn'),
    scanners: z.array(ScannerNameSchema).default(['semgrep', 'trivy-fs', 'audit']),
    /**
     * The projects of a monorepo: folders or globs of folders, relative to this file. `chaingate
     * plan` makes one shard of each, and findings carry the project they are in. Without it,
     * `plan` takes every folder holding a lockfile or a .chaingate.yml.
     */
    projects: z
      .array(
        z.union([
          projectFolderSchema,
          /** A project with its own policy file (relative to this file, inside the repository): its thresholds apply to its findings. */
          z.strictObject({ path: projectFolderSchema, policy: z.string().min(1) }),
        ]),
      )
      .min(1)
      .optional(),
    semgrep: z
      .strictObject({
        /** Rule files, folders or registry packs. Empty: chaingate's own ruleset. */
        config: z.array(z.string().min(1)).default([]),
      })
      .prefault({}),
    trivy: z
      .strictObject({
        scanners: z.array(z.enum(['vuln', 'secret', 'misconfig', 'license'])).min(1).default(['vuln', 'secret', 'misconfig']),
        image: z.string().min(1).optional(),
        'db-repository': z.array(z.string().min(1)).default([]),
        'cache-dir': z.string().min(1).optional(),
        'insecure-registry': z.boolean().default(false),
      })
      .prefault({}),
    audit: z
      .strictObject({
        'osv-db': z.string().min(1).optional(),
        /** Run the package managers' own audit commands when their endpoint answers. */
        'package-managers': z.boolean().default(true),
      })
      .prefault({}),
    /** The `headers` scanner: deployed URLs whose HTTPS, HSTS, CSP, cookie and CORS headers are checked. */
    headers: z
      .strictObject({
        urls: z.array(HeadersUrlSchema).max(100).default([]),
        /** PEM file of extra CA certificates (a private staging CA), relative to the scanned folder, as audit.osv-db. */
        'ca-file': z.string().min(1).optional(),
        /** Per URL, its whole redirect chain. */
        'timeout-seconds': z.number().positive().max(600).default(30),
      })
      .prefault({}),
    'timeout-minutes': z.number().positive().max(360).default(15),
    sbom: z.boolean().default(false),
    sarif: z
      .strictObject({
        /**
         * Results kept in each run of chaingate.sarif, the most important first. Code scanning
         * stores only the first 5,000 results of an analysis and refuses a run over 25,000;
         * chaingate-result.json always lists every finding.
         */
        'max-results-per-run': z.number().int().min(1).max(CODE_SCANNING_MAX_RESULTS_PER_RUN).default(5_000),
      })
      .prefault({}),
    /** Folders (a name at any depth, or a path from the project root) not scanned and not in the SBOM. */
    'skip-dirs': z.array(z.string().min(1)).default([...DEFAULT_SKIP_DIRS]),
    tools: z
      .strictObject({
        semgrep: toolPathSchema.optional(),
        trivy: toolPathSchema.optional(),
        cosign: toolPathSchema.optional(),
        crane: toolPathSchema.optional(),
        npm: toolPathSchema.optional(),
        yarn: toolPathSchema.optional(),
        pnpm: toolPathSchema.optional(),
        'pip-audit': toolPathSchema.optional(),
        zizmor: toolPathSchema.optional(),
      })
      .prefault({}),
    verify: z
      .strictObject({
        image: z.string().min(1).optional(),
        keys: z.array(z.string().min(1)).default([]),
        'revoked-keys': z.array(z.string().min(1)).default([]),
        identity: z.string().min(1).optional(),
        issuer: z.string().min(1).optional(),
        'require-attestations': z.array(z.enum(['cyclonedx', 'vsa'])).default([]),
        'insecure-registry': z.boolean().default(false),
      })
      .optional(),
  })
  .superRefine((p, ctx) => {
    if (p.verify && p.verify.identity && !p.verify.issuer) {
      ctx.addIssue({ code: 'custom', path: ['verify', 'issuer'], message: 'verify.identity needs verify.issuer too' });
    }
    if (p.scanners.includes('trivy-image') && !p.trivy.image) {
      // The image can still come from --image; the CLI checks again after flags are laid over.
    }
  });
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

/**
 * A monorepo project's own policy file (`projects: [{path, policy}]`): the thresholds its
 * findings are held to, each key unset taking the monorepo policy's. Exceptions, scanners and
 * everything else stay the monorepo's: a key of those here is refused, not ignored.
 */
export const ProjectPolicySchema = z.strictObject({
  version: z.literal(1).default(1),
  'fail-on': z
    .strictObject({
      vulnerability: FailOnLevelSchema.optional(),
      code: FailOnLevelSchema.optional(),
      secret: FailOnLevelSchema.optional(),
      misconfiguration: FailOnLevelSchema.optional(),
      license: FailOnLevelSchema.optional(),
      signature: FailOnLevelSchema.optional(),
      policy: FailOnLevelSchema.optional(),
    })
    .optional(),
  'unknown-severity': z.enum(['critical', 'high', 'medium', 'low', 'info']).optional(),
  'ignore-unfixed': z.boolean().optional(),
});
export type ProjectPolicy = z.infer<typeof ProjectPolicySchema>;

export const ExceptionSchema = z.strictObject({
  id: z.string().min(1, 'id must not be empty'),
  package: z
    .string()
    .regex(/^pkg:[a-z0-9.+-]+\/.+/i, 'must be a package URL such as pkg:npm/lodash or pkg:npm/lodash@4.17.20')
    .optional(),
  // Bounded: each glob is compiled, and a PR could otherwise list 100,000 of them.
  paths: z.array(globSchema).max(100, 'at most 100 globs an exception; split it or use a wider glob').optional(),
  kind: z.enum(['vulnerability', 'code', 'secret', 'misconfiguration', 'license', 'signature', 'policy']).optional(),
  // A monorepo project (its folder from the repository root, as findings carry it): the
  // exception then suppresses only that project's findings.
  project: z
    .string()
    .min(1)
    .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))/, 'a folder from the repository root (no leading /, no ..)')
    .optional(),
  reason: z.string().trim().min(1, 'reason must say why the risk is accepted'),
  expires: isoDate,
  owner: z.string().min(1).optional(),
  ticket: z.string().min(1).optional(),
});
export type ExceptionEntry = z.infer<typeof ExceptionSchema>;

export const ExceptionsFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  exceptions: z.array(ExceptionSchema).default([]),
});
export type ExceptionsFile = z.infer<typeof ExceptionsFileSchema>;

/** OpenVEX 0.2 — the parts the gate uses; other fields are allowed and ignored. */
export const VexStatementSchema = z.looseObject({
  vulnerability: z.union([
    z.looseObject({ name: z.string().min(1).optional(), '@id': z.string().optional(), aliases: z.array(z.string()).optional() }),
    z.string().min(1),
  ]),
  products: z
    .array(z.union([z.looseObject({ '@id': z.string().min(1), identifiers: z.record(z.string(), z.string()).optional() }), z.string().min(1)]))
    .optional(),
  status: z.enum(['not_affected', 'affected', 'fixed', 'under_investigation']),
  justification: z.string().optional(),
  impact_statement: z.string().optional(),
  action_statement: z.string().optional(),
  timestamp: z.string().optional(),
});
export const VexDocumentSchema = z.looseObject({
  '@context': z.string().regex(/openvex/, 'is not an OpenVEX context'),
  '@id': z.string().optional(),
  author: z.string().optional(),
  timestamp: z.string().optional(),
  statements: z.array(VexStatementSchema),
});
export type VexDocument = z.infer<typeof VexDocumentSchema>;
export type VexStatement = z.infer<typeof VexStatementSchema>;
