// Event payloads as GitHub delivers them to a workflow (GITHUB_EVENT_PATH), with the fields the
// action reads and their neighbours, for pull_request and merge_group events.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface EventParts {
  owner: string;
  repo: string;
  number: number;
  baseSha: string;
  headSha: string;
}

function repository(p: EventParts) {
  return { id: 1296269, name: p.repo, full_name: `${p.owner}/${p.repo}`, private: false, owner: { login: p.owner, type: 'Organization' }, default_branch: 'main' };
}

export function pullRequestPayload(p: EventParts) {
  return {
    action: 'synchronize',
    number: p.number,
    before: '0'.repeat(40),
    after: p.headSha,
    pull_request: {
      number: p.number,
      state: 'open',
      title: 'Bump lodash',
      user: { login: 'octocat', type: 'User' },
      head: { label: 'octocat:bump', ref: 'bump', sha: p.headSha, repo: repository(p) },
      base: { label: `${p.owner}:main`, ref: 'main', sha: p.baseSha, repo: repository(p) },
      draft: false,
    },
    repository: repository(p),
    sender: { login: 'octocat', type: 'User' },
  };
}

export function mergeGroupPayload(p: EventParts) {
  return {
    action: 'checks_requested',
    merge_group: {
      head_sha: p.headSha,
      head_ref: `refs/heads/gh-readonly-queue/main/pr-${p.number}-${p.headSha}`,
      base_sha: p.baseSha,
      base_ref: 'refs/heads/main',
      head_commit: { id: p.headSha, tree_id: 'f'.repeat(40), message: `Merge pull request #${p.number}`, timestamp: '2026-12-05T08:00:00Z' },
    },
    repository: repository(p),
    sender: { login: 'github-merge-queue[bot]', type: 'Bot' },
  };
}

/** Writes the payload as the runner does and returns the GITHUB_* variables that go with it. */
export function eventEnv(dir: string, name: 'pull_request' | 'merge_group', p: EventParts): Record<string, string> {
  const file = path.join(dir, 'event.json');
  fs.writeFileSync(file, JSON.stringify(name === 'pull_request' ? pullRequestPayload(p) : mergeGroupPayload(p), null, 2));
  return {
    GITHUB_EVENT_NAME: name,
    GITHUB_EVENT_PATH: file,
    GITHUB_REPOSITORY: `${p.owner}/${p.repo}`,
    GITHUB_SHA: name === 'pull_request' ? 'e'.repeat(40) : p.headSha,
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_RUN_ID: '4242',
  };
}
