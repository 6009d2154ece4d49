// Which pinned tools a run needs, decided from the effective configuration (the policy with the
// action's inputs applied), so the action installs those and nothing else: a PR gate that never
// signs does not download cosign, and `scanners: [audit]` downloads nothing.
import { createHash } from 'node:crypto';
import type { Policy } from '../config/schema';
import { REPORT_COVERS } from '../gate/run-gate';
import type { ReportTool } from '../parsers/types';

export const INSTALLABLE = ['semgrep', 'trivy', 'cosign', 'crane', 'zizmor'] as const;
export type InstallableTool = (typeof INSTALLABLE)[number];

export interface PlanInput {
  policy: Policy;
  /** Tools whose report is ingested instead of running them (the action's `reports` input). */
  reports: ReportTool[];
  /** The action's verify-image input (the policy's verify.image counts too). */
  verifyImage?: string;
  signImage?: string;
  signBlobs: string[];
  env: NodeJS.ProcessEnv;
}

export function toolsToInstall(p: PlanInput): InstallableTool[] {
  const covered = new Set(p.reports.flatMap((r) => REPORT_COVERS[r] ?? []));
  const scanners = p.policy.scanners.filter((s) => !covered.has(s));
  const need = new Set<InstallableTool>();
  if (scanners.includes('semgrep')) need.add('semgrep');
  if (scanners.includes('trivy-fs') || scanners.includes('trivy-image')) need.add('trivy');
  if (scanners.includes('zizmor')) need.add('zizmor');
  // Image signing and verification resolve the tag to a digest with crane; blobs need cosign only.
  if (p.signImage || p.verifyImage || p.policy.verify?.image) {
    need.add('cosign');
    need.add('crane');
  }
  if (p.signBlobs.length > 0) need.add('cosign');
  // A tool the user points at (policy tools.<tool>.path or CHAINGATE_<TOOL>_PATH) is theirs.
  const tools = p.policy.tools as Partial<Record<InstallableTool, { path?: string }>>;
  return INSTALLABLE.filter((t) => need.has(t) && !tools[t]?.path && !p.env[`CHAINGATE_${t.toUpperCase()}_PATH`]);
}

/**
 * The tool cache key: the content of versions.json and of the semgrep lock (a version bump
 * changes it), the runner's OS and arch, and the tool set (a run that installs more must not
 * restore, and then never save, the smaller set of another run).
 */
export function toolCacheKey(pinFiles: string[], runnerOs: string, runnerArch: string, tools: readonly string[]): string {
  const h = createHash('sha256');
  for (const text of pinFiles) h.update(text).update('\0');
  return `chaingate-tools-${runnerOs}-${runnerArch}-${h.digest('hex').slice(0, 20)}-${tools.length ? tools.join('-') : 'none'}`;
}
