import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectPath, repositoryRoot } from '../../src/gate/repo-root';
import { tmpDir } from '../helpers/paths';

describe('repositoryRoot', () => {
  const repo = tmpDir('chaingate-root-');
  const api = path.join(repo, 'services', 'api');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(api, { recursive: true });

  it('finds the nearest folder upwards with .git, folder or file', () => {
    expect(repositoryRoot(api, {})).toBe(repo);
    expect(projectPath(api, {})).toEqual({ root: repo, project: 'services/api' });
    expect(projectPath(repo, {})).toEqual({ root: repo, project: '' });
    const worktree = path.join(repo, 'services', 'wt');
    fs.mkdirSync(path.join(worktree, 'x'), { recursive: true });
    fs.writeFileSync(path.join(worktree, '.git'), 'gitdir: elsewhere\n');
    expect(projectPath(path.join(worktree, 'x'), {})).toEqual({ root: worktree, project: 'x' });
  });

  it('prefers GITHUB_WORKSPACE when the folder is inside it, and ignores it otherwise', () => {
    expect(projectPath(api, { GITHUB_WORKSPACE: path.join(repo, 'services') })).toEqual({ root: path.join(repo, 'services'), project: 'api' });
    expect(repositoryRoot(api, { GITHUB_WORKSPACE: path.join(repo, 'elsewhere') })).toBe(repo);
  });

  it('is the folder itself outside any repository', () => {
    const lone = tmpDir('chaingate-lone-');
    // tmpdir may sit inside a checkout on some machines: only assert when it does not.
    const root = repositoryRoot(lone, {});
    expect(root === lone || fs.existsSync(path.join(root, '.git'))).toBe(true);
  });
});
