// Error annotations for the blocking findings, on the lines of the pull request's diff. GitHub
// shows at most 10 error annotations per step, so these are the 10 most severe, in report order.
// Paths are relative to the repository root (GITHUB_WORKSPACE), where GitHub looks for them,
// also when the project is a subfolder. The workflow-command escaping of the text is the
// toolkit's (core.error); this only shapes and bounds it. Pure.
import * as path from 'node:path';
import { nearestFix } from '../core/fix';
import { isUrlLocation } from '../core/url-location';
import type { EvaluatedFinding, GateResult } from '../core/result';
import { normalizePath, packageLabel, sortFindings } from './order';

export const MAX_ANNOTATIONS = 10;
const MAX_MESSAGE_CHARS = 1000;
const MAX_TITLE_CHARS = 200;

export interface Annotation {
  title: string;
  message: string;
  /** Relative to the repository root; absent when the finding is not in a file of it. */
  file?: string;
  startLine?: number;
  endLine?: number;
}

/** One line, no bidi overrides, cut at `max`. */
function oneLine(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/g, '').replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The finding's file from the repository root, or undefined when it is outside it. */
export function repositoryPath(file: string, projectDir: string, workspace: string): string | undefined {
  const rel = normalizePath(path.relative(workspace, path.resolve(projectDir, normalizePath(file))));
  return rel === '' || rel === '..' || rel.startsWith('../') || path.isAbsolute(rel) ? undefined : rel;
}

function annotation(f: EvaluatedFinding, projectDir: string, workspace: string): Annotation {
  const parts = [f.title ? `${f.id}: ${f.title}` : f.id];
  if (f.package) {
    parts.push(`in ${packageLabel(f.package)}`);
    const fix = nearestFix(f.package);
    parts.push(fix === undefined ? '(no fixed version yet)' : `(fixed in ${fix})`);
  }
  // A deployed URL (the headers scanner) is no file of the repository: said in the message.
  const url = f.location && isUrlLocation(f.location.path) ? f.location.path : undefined;
  if (url) parts.push(`at ${url}`);
  parts.push(`— ${f.rationale}`);
  const a: Annotation = { title: oneLine(`chaingate: ${f.severity} ${f.kind} ${f.id}`, MAX_TITLE_CHARS), message: oneLine(parts.join(' '), MAX_MESSAGE_CHARS) };
  const file = f.location && !url ? repositoryPath(f.location.path, projectDir, workspace) : undefined;
  if (file) {
    a.file = file;
    const start = f.location?.startLine;
    if (start !== undefined && start >= 1) {
      a.startLine = start;
      const end = f.location?.endLine;
      if (end !== undefined && end > start) a.endLine = end;
    }
  }
  return a;
}

/** The first MAX_ANNOTATIONS blocking findings, most severe first. */
export function blockingAnnotations(result: Pick<GateResult, 'findings'>, projectDir: string, workspace: string): Annotation[] {
  const out: Annotation[] = [];
  for (const f of sortFindings(result.findings)) {
    if (out.length === MAX_ANNOTATIONS) break;
    if (f.blocking) out.push(annotation(f, projectDir, workspace));
  }
  return out;
}
