// One comment per gate on a pull request: found again by the marker on its first line, updated
// in place, never a second one. Two runs of the same gate at once (a push while the last run is
// still going) can both find none and both create one; each then lists the comments again, keeps
// the oldest marked one and removes the rest, so the PR ends with one comment either way.
import { isMarkedComment } from '../reports/pr-comment';
import type { Octokit } from './github-api';

export interface PullRequestRef {
  owner: string;
  repo: string;
  number: number;
}

interface IssueComment {
  id: number;
  body?: string | null;
  html_url: string;
  user?: { login?: string; type?: string } | null;
}

export interface UpsertOutcome {
  action: 'created' | 'updated' | 'unchanged' | 'none';
  url?: string;
}

async function markedComments(octokit: Octokit, pr: PullRequestRef, marker: string): Promise<IssueComment[]> {
  const all = (await octokit.paginate(octokit.rest.issues.listComments, {
    owner: pr.owner,
    repo: pr.repo,
    issue_number: pr.number,
    per_page: 100,
  })) as IssueComment[];
  const marked = all.filter((c) => isMarkedComment(c.body, marker));
  // Anyone can post a comment that starts with the marker; when an app (GITHUB_TOKEN posts as
  // github-actions[bot]) wrote one, a person's copy is not ours to update.
  const bots = marked.filter((c) => c.user?.type === 'Bot');
  return (bots.length > 0 ? bots : marked).sort((a, b) => a.id - b.id);
}

async function deleteQuietly(octokit: Octokit, pr: PullRequestRef, id: number): Promise<void> {
  try {
    await octokit.rest.issues.deleteComment({ owner: pr.owner, repo: pr.repo, comment_id: id });
  } catch (e) {
    // The other run removed it first.
    if ((e as { status?: number }).status !== 404) throw e;
  }
}

/**
 * Updates the gate's comment with `body`, or creates it when there is none and `create` is set
 * (with `create` unset, a PR without the comment stays without one).
 */
export async function upsertComment(octokit: Octokit, pr: PullRequestRef, marker: string, body: string, create: boolean): Promise<UpsertOutcome> {
  const existing = await markedComments(octokit, pr, marker);
  if (existing.length === 0) {
    if (!create) return { action: 'none' };
    const created = (await octokit.rest.issues.createComment({ owner: pr.owner, repo: pr.repo, issue_number: pr.number, body })).data as IssueComment;
    const now = await markedComments(octokit, pr, marker);
    const keep = now.find((c) => c.id !== created.id && c.id < created.id);
    if (keep) {
      // Another run created one first: that one stays, with this run's body, and ours goes.
      await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: keep.id, body });
      await deleteQuietly(octokit, pr, created.id);
      return { action: 'updated', url: keep.html_url };
    }
    for (const c of now) if (c.id > created.id) await deleteQuietly(octokit, pr, c.id);
    return { action: 'created', url: created.html_url };
  }
  const [keep, ...extra] = existing;
  // Left over from an earlier race that ended before its clean-up.
  for (const c of extra) await deleteQuietly(octokit, pr, c.id);
  if (keep.body === body) return { action: 'unchanged', url: keep.html_url };
  await octokit.rest.issues.updateComment({ owner: pr.owner, repo: pr.repo, comment_id: keep.id, body });
  return { action: 'updated', url: keep.html_url };
}
