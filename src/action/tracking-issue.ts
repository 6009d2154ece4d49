// One tracking issue per gate (tracking-issue: true): found again by the marker on its first
// line, updated in place while it is needed, closed when the gate is clean. A closed issue is
// left closed: the next time it is needed a new one is opened, so each episode keeps its thread.
import { isMarkedComment } from '../reports/pr-comment';
import type { TrackingIssue } from '../reports/tracking-issue';
import type { Octokit } from './github-api';

export interface RepoRef {
  owner: string;
  repo: string;
}

interface Issue {
  number: number;
  title: string;
  body?: string | null;
  html_url: string;
  user?: { type?: string } | null;
  pull_request?: unknown;
}

export interface TrackingOutcome {
  action: 'created' | 'updated' | 'unchanged' | 'closed' | 'none';
  url?: string;
}

async function markedIssues(octokit: Octokit, repo: RepoRef, marker: string): Promise<Issue[]> {
  const all = (await octokit.paginate(octokit.rest.issues.listForRepo, { ...repo, state: 'open', per_page: 100 })) as Issue[];
  // The list holds pull requests too; anyone can open an issue starting with the marker, and
  // when an app (GITHUB_TOKEN writes as github-actions[bot]) opened one, a person's copy is not ours.
  const marked = all.filter((i) => !i.pull_request && isMarkedComment(i.body, marker));
  const bots = marked.filter((i) => i.user?.type === 'Bot');
  return (bots.length > 0 ? bots : marked).sort((a, b) => a.number - b.number);
}

export async function syncTrackingIssue(octokit: Octokit, repo: RepoRef, want: TrackingIssue & { marker: string }): Promise<TrackingOutcome> {
  const [keep, ...extra] = await markedIssues(octokit, repo, want.marker);
  // Two runs at once can each open one: the oldest stays.
  for (const i of extra) await octokit.rest.issues.update({ ...repo, issue_number: i.number, state: 'closed', state_reason: 'not_planned' });
  if (!want.open) {
    if (!keep) return { action: 'none' };
    await octokit.rest.issues.update({ ...repo, issue_number: keep.number, title: want.title, body: want.body, state: 'closed', state_reason: 'completed' });
    return { action: 'closed', url: keep.html_url };
  }
  if (!keep) {
    const created = (await octokit.rest.issues.create({ ...repo, title: want.title, body: want.body })).data as Issue;
    return { action: 'created', url: created.html_url };
  }
  if (keep.title === want.title && keep.body === want.body) return { action: 'unchanged', url: keep.html_url };
  await octokit.rest.issues.update({ ...repo, issue_number: keep.number, title: want.title, body: want.body });
  return { action: 'updated', url: keep.html_url };
}
